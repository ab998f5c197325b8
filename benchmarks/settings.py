"""The app's settings plus the benchmark's CPU-per-request header (``benchmarks.cpu``), outermost."""

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

MIDDLEWARE = ["benchmarks.cpu.CpuTimeMiddleware", *MIDDLEWARE]
