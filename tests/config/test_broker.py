"""The configured broker carries a message: filesystem by default, Redis/RabbitMQ in CI."""

from __future__ import annotations

import uuid

from django.conf import settings

from config.celery import app


def test_message_round_trip_through_the_configured_broker():
    token = uuid.uuid4().hex
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=3)
        queue = connection.SimpleQueue(f"klachtwijzer-test-{token}")
        try:
            queue.put({"token": token})
            message = queue.get(timeout=10)
            message.ack()
        finally:
            queue.consumer.cancel()  # before deleting: RabbitMQ cancels a live consumer noisily
            queue.queue.delete()
            queue.close()
    assert message.payload == {"token": token}
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    print(f"broker transport: {connection.transport_cls}")
