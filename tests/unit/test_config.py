from shared.config import Settings


def test_settings_read_typed_values_from_the_environment_and_keep_defaults_otherwise():
    settings = Settings.from_env({"GATEWAY_PORT": "9000", "CONSISTENCY_TIMEOUT_S": "1.5"})

    assert settings.gateway_port == 9000
    assert settings.consistency_timeout_s == 1.5
    assert settings.pledge_port == 8081


def test_settings_survive_the_trip_through_a_child_process_environment():
    settings = Settings.from_env({}, database_url="postgresql://x/y", internal_token="s3cret")

    assert Settings.from_env(settings.to_env()) == settings


def test_boolean_settings_are_read_by_their_spelling():
    assert Settings.from_env({"DEV_MODE": "False"}).dev_mode is False
    assert Settings.from_env({"DEV_MODE": "true"}).dev_mode is True
    assert Settings.from_env({}).dev_mode is False


def test_a_secret_setting_is_read_from_the_file_its_FILE_variable_names(tmp_path):
    (tmp_path / "token").write_text("s3cret\n")

    settings = Settings.from_env({"INTERNAL_TOKEN_FILE": str(tmp_path / "token")})

    assert settings.internal_token == "s3cret"
