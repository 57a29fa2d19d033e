"""Webhooks for council systems that cannot run a Kafka consumer: subscriptions, signed deliveries, dead letters.

Kept in the gateway's own `gateway_hooks` schema: unlike the read models it is not rebuilt from the
log, because who subscribed and what was delivered to them is the gateway's own state.
"""
