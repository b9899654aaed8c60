"""Running the app under uvicorn, with one worker or several."""

from __future__ import annotations

import os
import socket
import tempfile

import uvicorn
from uvicorn.supervisors import Multiprocess

from ..logs import log_config


class NoDelayConfig(uvicorn.Config):
    """With several workers uvicorn binds the listening socket itself, without
    ``IPPROTO_TCP``, so asyncio leaves Nagle's algorithm on and every response waits for a
    delayed ACK (~40 ms each). Accepted sockets inherit ``TCP_NODELAY`` from the listener."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


def serve(
    host: str,
    port: int,
    *,
    workers: int = 1,
    log_level: str = "info",
    access_log: bool = True,
    trusted_proxies: str = "127.0.0.1",
) -> None:
    """Serve ``app_from_environment`` (settings from ``XINYONG_*``) until interrupted, logging
    JSON lines (:mod:`xinyong.logs`) with one line per request unless ``access_log`` is off."""
    config = NoDelayConfig(
        "xinyong.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # uvicorn's logs raw query strings; xinyong.access does not
        log_config=log_config(log_level, access_log=access_log),
        log_level=log_level,
        proxy_headers=True,
        forwarded_allow_ips=trusted_proxies,
    )
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # each worker counts into files here, so a scrape of any worker sums all of them
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="xinyong-metrics-")
    try:
        if workers > 1:
            Multiprocess(config, sockets=[config.bind_socket()]).run()
        else:
            uvicorn.Server(config).run()
    except KeyboardInterrupt:
        pass
