"""The sign-in endpoints' own, stricter rate (``THROTTLE_SIGN_IN_RATE``), per client address.

The API's other throttles are DRF's own (``anon`` per address, ``user`` per user). A sign-in
is throttled by address whoever is signed in meanwhile: what it guards is a guessed password of
someone else. django-axes locks a user and address after the failures; this caps the tries of
one address over all usernames.
"""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


class SignInRateThrottle(SimpleRateThrottle):
    scope = "sign_in"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
