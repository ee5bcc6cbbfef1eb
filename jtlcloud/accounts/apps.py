from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jtlcloud.accounts"
    verbose_name = "Accounts"
