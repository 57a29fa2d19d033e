from shared.config import Settings
from shared.kafka import connection_options


def test_a_plaintext_connection_sets_only_its_protocol():
    assert connection_options(Settings.from_env({})) == {"security_protocol": "PLAINTEXT"}


def test_tls_and_sasl_come_from_the_environment_with_the_password_read_from_its_file(tmp_path):
    secret = tmp_path / "kafka-password"
    secret.write_text("s3cret\n")
    environ = {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SSL_CAFILE": "/run/ca.pem",
               "KAFKA_SSL_CERTFILE": "/run/client.pem", "KAFKA_SSL_KEYFILE": "/run/client.key",
               "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512", "KAFKA_SASL_USERNAME": "charter",
               "KAFKA_SASL_PASSWORD_FILE": str(secret), "KAFKA_CLIENT_ID": "charter-pledge-relay"}

    options = connection_options(Settings.from_env(environ))

    assert options == {"security_protocol": "SASL_SSL", "ssl_cafile": "/run/ca.pem", "ssl_certfile": "/run/client.pem",
                       "ssl_keyfile": "/run/client.key", "client_id": "charter-pledge-relay",
                       "sasl_mechanism": "SCRAM-SHA-512", "sasl_plain_username": "charter",
                       "sasl_plain_password": "s3cret"}
