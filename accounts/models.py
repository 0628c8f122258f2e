"""Users, their teams and their roles."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import GROUP_NAMES, Role


class Team(models.Model):
    """A customer-service team; its manager (teamleider) supervises the members' complaints."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    manager = models.ForeignKey(
        "accounts.User",
        verbose_name=_("manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_teams",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who works in Klachtwijzer: agent, manager, quality or admin (by group)."""

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    approval_limit = models.DecimalField(
        _("coulance approval limit (EUR)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("The largest goodwill gesture this manager may approve."),
    )
    reports_to = models.ForeignKey(
        "self",
        verbose_name=_("reports to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
        help_text=_("The manager above this one; requests beyond the limit go there."),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, blank=True, default=""
    )

    class Meta(AbstractUser.Meta):  # type: ignore[name-defined,misc]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approval_limit__gte=0), name="user_approval_limit_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, role: Role) -> bool:
        if self.is_superuser and role == Role.ADMIN:
            return True
        return any(group.name == GROUP_NAMES[role] for group in self.groups.all())

    @property
    def roles(self) -> list[Role]:
        names = {group.name for group in self.groups.all()}
        found = [role for role, name in GROUP_NAMES.items() if name in names]
        if self.is_superuser and Role.ADMIN not in found:
            found.append(Role.ADMIN)
        return found


class ApiToken(models.Model):
    """A key to the API, of which only a hash is kept: shown once, valid until ``expires``.

    The key is found by its first characters (``prefix``, not secret: it names the token in
    lists) and then compared with the SHA-256 ``digest`` in constant time, so a copy of this
    table opens nothing. ``last_used`` is written at most once per
    ``TOKEN_LAST_USED_EVERY_SECONDS``, so that a request does not write on every call.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8, db_index=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created = models.DateTimeField(_("created"), default=timezone.now)
    expires = models.DateTimeField(_("expires"))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})" if self.name else f"{self.prefix}…"

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires > now


class SavedFilter(models.Model):
    """A list's filter that one user saved under a name: the query string of its filter form.

    Per page ("my work", the team page), so the links under each list are the ones saved there.
    """

    class Page(models.TextChoices):
        MY_WORK = "my-work", _("My work")
        TEAM = "team", _("Team")

    NAME_MAX = 80
    QUERY_MAX = 1000

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="saved_filters"
    )
    page = models.CharField(_("page"), max_length=10, choices=Page.choices)
    name = models.CharField(_("name"), max_length=NAME_MAX)
    query = models.CharField(_("filter"), max_length=QUERY_MAX, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "page", "name"], name="saved_filter_unique_name_per_user_page"
            ),
            models.CheckConstraint(
                condition=~models.Q(name=""), name="saved_filter_name_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name
