from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from common import limits
from complaints.choices import Language


class Customer(models.Model):
    """The person who complains; never logs in, but receives letters in their own language."""

    name = models.CharField(_("name"), max_length=limits.NAME)
    email = models.EmailField(_("email"), max_length=limits.EMAIL, blank=True)
    phone = models.CharField(_("phone"), max_length=limits.PHONE, blank=True)
    customer_number = models.CharField(
        _("customer number"), max_length=limits.CUSTOMER_NUMBER, blank=True, db_index=True
    )
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    erased_at = models.DateTimeField(
        _("personal data erased at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the customer's personal data was erased on request."),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("handle_personal_data", _("Can export and erase a customer's personal data")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer_number"],
                condition=~models.Q(customer_number=""),
                name="customer_number_unique_when_set",
                # Code "unique" on one field: validation reports it on that field.
                violation_error_code="unique",
                violation_error_message=_("A customer with this customer number already exists."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.customer_number})" if self.customer_number else self.name
