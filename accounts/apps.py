from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from accounts.backends import connect_signals
        from accounts.lockout import carry_lockout_to_django_request

        connect_signals()
        user_locked_out.connect(carry_lockout_to_django_request, dispatch_uid="lockout-to-django")
