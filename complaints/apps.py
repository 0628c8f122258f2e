from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from accounts.signals import approvers_changed
        from complaints import attachments  # noqa: F401  # deletes a removed row's file
        from complaints.coulance.routing import on_approvers_changed
        from dbperf.timestamps import read_timestamps_faster

        connection_created.connect(read_timestamps_faster, dispatch_uid="iso-timestamps")
        approvers_changed.connect(on_approvers_changed, dispatch_uid="coulance-reroute")
