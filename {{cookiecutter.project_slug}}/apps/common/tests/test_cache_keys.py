from apps.common.cache_keys import CacheKey


def test_every_cache_key_pattern_is_unique():
    patterns = [entry.pattern for entry in CacheKey]
    assert len(patterns) == len(set(patterns))


def test_key_formats_its_parts_into_the_pattern():
    assert CacheKey.EXPORT_PROGRESS.key("abc") == "export:progress:abc"
    assert CacheKey.EXPORT_PROGRESS.timeout > 0
