from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "jtlcloud.privacy"
    verbose_name = "Privacy"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from jtlcloud.privacy import erasure, sections  # noqa: F401 - registers receivers, sections
        from jtlcloud.privacy.preferences import remember_objection_at_login

        def _on_login(sender: object, request: object, user: object, **kwargs: object) -> None:
            if request is not None and hasattr(request, "session"):
                remember_objection_at_login(request, user)  # type: ignore[arg-type]

        user_logged_in.connect(_on_login, dispatch_uid="privacy.objection_at_login", weak=False)
