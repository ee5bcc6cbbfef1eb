from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jtlcloud.audit"
    verbose_name = "Audit trail"
