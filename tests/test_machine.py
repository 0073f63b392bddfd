"""The machine description that goes next to every timing."""

import platform

import jax

from py4eng_jax import describe_machine, machine_info


def test_machine_info_reports_versions():
    """machine_info names the running Python, JAX and jaxlib"""
    info = machine_info()
    assert info["python"] == platform.python_version()
    assert info["jax"] == jax.__version__
    assert info["platform"] == jax.devices()[0].platform
    assert info["device_count"] == len(jax.devices())
    assert info["cores"] >= 1


def test_describe_machine_is_one_line_with_versions():
    """describe_machine gives one line with the device and versions"""
    text = describe_machine()
    assert "\n" not in text
    assert f"JAX {jax.__version__}" in text
    if jax.devices()[0].platform == "cpu":
        assert text.startswith("CPU only (")
