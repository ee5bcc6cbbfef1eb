from tests.telemetry.conftest import now_s, post_ingest


def test_it_stores_a_reading(client, key, installation):
    response = post_ingest(
        client,
        key,
        {"readings": [{"channel": "flow_temp", "ts": now_s(), "value": 21.5, "unit": "°C"}]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["readings"] == {"accepted": 1, "duplicates": 0}
