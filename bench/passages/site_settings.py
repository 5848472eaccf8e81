"""The production settings plus one bare endpoint, for bench/passages_bench.py only."""

from fangkong.settings import *  # noqa: F403

ROOT_URLCONF = "passages.site_urls"
