"""Settings shared by the whole suite: the hypothesis profiles and a guard on grad mode.

hypothesis is optional (see strategies.py): without it there are no profiles to set, and the
tests that draw their inputs with it are skipped.
"""

import os

import pytest

import autograd

try:
    from hypothesis import HealthCheck, settings
except ImportError:
    settings = None

if settings is not None:
    # 'ci' keeps the run short on a small machine; HYPOTHESIS_PROFILE=thorough searches harder.
    # No deadline: a first call into torch can take far longer than the examples after it.
    _slow_is_fine = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
    settings.register_profile(
        "ci", max_examples=50, deadline=None, suppress_health_check=_slow_is_fine
    )
    settings.register_profile(
        "thorough", max_examples=2000, deadline=None, suppress_health_check=_slow_is_fine
    )
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def grad_mode_is_restored():
    # A test that leaves recording off would silently turn every later graph into leaves.
    assert autograd.is_grad_enabled(), "grad mode was off before the test started"
    yield
    assert autograd.is_grad_enabled(), "the test left grad mode off"
