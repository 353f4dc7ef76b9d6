"""Use REDIS_URL when it answers; otherwise start the project's own redis-server (AOF in var/redis).

Run by `make run`. A restarted demo keeps its streams: the own server writes an append-only file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from settings import PROJECT_DIR, load_settings  # noqa: E402

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", None, ""}


def main() -> int:
    settings = load_settings()
    url = redis.connection.parse_url(settings.redis_url)
    try:
        redis.Redis.from_url(settings.redis_url, socket_connect_timeout=1).ping()
        print(f"Redis answers at {settings.redis_url}")
        return 0
    except redis.RedisError:
        pass
    if url.get("host") not in LOCAL_HOSTS:
        print(f"Redis at {settings.redis_url} does not answer, and it is not on this machine", file=sys.stderr)
        return 1
    binary = shutil.which("redis-server")
    if not binary:
        print("redis-server is not installed: run `make setup`", file=sys.stderr)
        return 1
    data = PROJECT_DIR / "var" / "redis"
    data.mkdir(parents=True, exist_ok=True)
    port = str(url.get("port") or 6379)
    subprocess.run(
        [
            binary,
            "--port",
            port,
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data),
            "--appendonly",
            "yes",
            "--daemonize",
            "yes",
            "--pidfile",
            str(data / "redis.pid"),
            "--logfile",
            str(data / "redis.log"),
        ],
        check=True,
    )
    for _ in range(50):
        try:
            redis.Redis.from_url(settings.redis_url, socket_connect_timeout=0.5).ping()
            print(f"started redis-server on port {port} (data and AOF in {data})")
            return 0
        except redis.RedisError:
            time.sleep(0.1)
    print(f"redis-server did not come up; see {data / 'redis.log'}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
