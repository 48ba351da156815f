from tests.helpers import seed_cache


def test_cache_seeded():
    seed_cache()
