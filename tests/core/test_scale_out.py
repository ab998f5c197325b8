"""Several web nodes serve the same data: private files live in S3-compatible object storage, not on a node's disk,
and only one celery beat sends the schedule however many are started (docs/scaling.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests
from django.core.files.base import ContentFile
from django.test import Client
from moto.server import ThreadedMotoServer

from commissioning.demo import simple_pdf
from core import beat_lock
from core.devstack import free_port
from core.files import PrivateStorage, private_storage
from core.tenancy import unscoped
from procurement.tenders.models import TenderDocument
from tests.celery_support import RedisServer, subprocess_database_url, wait_for
from tests.conftest import sign_in
from tests.factories.procurement import draft_tender

BUCKET = "jointly-private"
S3_ENV = {
    "JOINTLY_S3_BUCKET": BUCKET,
    "JOINTLY_S3_REGION": "eu-west-2",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
}


@pytest.fixture
def object_store() -> Iterator[str]:
    """moto in server mode on a free loopback port, standing in for the provider's S3-compatible store."""

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    requests.post(f"{endpoint}/moto-api/reset", timeout=10)  # moto keeps its buckets per process, across servers
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="eu-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture
def on_s3(object_store, settings, monkeypatch):
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    settings.JOINTLY_S3_BUCKET = BUCKET
    settings.JOINTLY_S3_ENDPOINT_URL = object_store
    settings.JOINTLY_S3_REGION = "eu-west-2"
    return object_store


def _web_node(*, port: int, endpoint: str, media_root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            **S3_ENV,
            "JOINTLY_S3_ENDPOINT_URL": endpoint,
            "DATABASE_URL": subprocess_database_url(),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            # Each node its own local disk: the file can only reach the other node through the object store.
            "JOINTLY_MEDIA_ROOT": str(media_root),
            "CELERY_TASK_ALWAYS_EAGER": "0",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.celery
def test_a_tender_document_uploaded_through_one_web_node_downloads_through_another(
    world, transactional_db, on_s3, tmp_path
):
    """Ravi Patel, the county's lead commissioner, adds the service specification to a draft tender; the load
    balancer sends his upload to node A and his later download to node B, which has never seen the file."""
    tender = draft_tender(world)
    session_id = sign_in(Client(), world.lead_commissioner, world.county).cookies["sessionid"].value
    ports = [free_port(), free_port()]
    disks = [tmp_path / f"node-{index}" for index, _ in enumerate(ports)]
    for disk in disks:
        disk.mkdir()
    nodes = [_web_node(port=p, endpoint=on_s3, media_root=d) for p, d in zip(ports, disks, strict=True)]
    node_a, node_b = (f"http://127.0.0.1:{p}" for p in ports)
    try:
        for base in (node_a, node_b):

            def answers(base: str = base) -> bool:
                try:
                    return requests.get(f"{base}/", timeout=5).status_code < 500
                except requests.RequestException:
                    return False

            wait_for(answers, timeout=120, what=f"the web node at {base} to start")

        ravi = requests.Session()
        ravi.cookies.set("sessionid", session_id)
        page = ravi.get(f"{node_a}/tenders/{tender.pk}/documents/", timeout=20)
        assert page.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token is not None
        specification = simple_pdf("Older people's independence service: specification")
        answer = ravi.post(
            f"{node_a}/tenders/{tender.pk}/documents/",
            data={"csrfmiddlewaretoken": token.group(1), "title": "Service specification"},
            files={"file": ("specification.pdf", specification, "application/pdf")},
            headers={"Referer": f"{node_a}/tenders/{tender.pk}/documents/"},
            allow_redirects=False,
            timeout=20,
        )
        assert answer.status_code == 302, answer.text[:2000]
        with unscoped(reason="the test reads the tender's documents from outside any request"):
            document = TenderDocument.objects.get(tender=tender, title="Service specification")

        download = ravi.get(f"{node_b}/tender-documents/{document.pk}/", timeout=20)
        assert download.status_code == 200
        assert download.content == specification
        assert download.headers["Cache-Control"] == "private, no-store"
        # Nothing on either node's disk: the bytes live in the (private) bucket.
        assert not [p for d in disks for p in d.rglob("*") if p.is_file()]
        s3 = boto3.client("s3", endpoint_url=on_s3, region_name="eu-west-2")
        stored = s3.get_object(Bucket=BUCKET, Key=f"private/{document.file.name}")["Body"].read()
        assert stored == specification
        acl = s3.get_object_acl(Bucket=BUCKET, Key=f"private/{document.file.name}")
        assert not [g for g in acl["Grants"] if "AllUsers" in str(g["Grantee"].get("URI", ""))]
    finally:
        for node in nodes:
            node.terminate()
        for node in nodes:
            node.wait(15)


def test_a_file_missing_from_the_bucket_is_file_not_found_as_on_disk(on_s3):
    """A stored path whose object was lost answers FileNotFoundError (``serve`` turns it into a 404 page), not a
    botocore error (a 500)."""
    with pytest.raises(FileNotFoundError):
        private_storage.open("procurement/tenderdocument/lost.pdf", "rb")


def test_private_files_on_s3_have_no_url_and_the_storage_deconstructs_as_before(on_s3):
    name = private_storage.save("test/secret.pdf", ContentFile(simple_pdf("secret"), name="secret.pdf"))
    assert private_storage.exists(name)
    assert private_storage.open(name, "rb").read() == simple_pdf("secret")
    with pytest.raises(RuntimeError):
        private_storage.url(name)
    # Migrations name core.files.PrivateStorage() whatever the deployment stores in.
    assert PrivateStorage().deconstruct() == ("core.files.PrivateStorage", (), {})


# --- one beat --------------------------------------------------------------------------------------------------


@pytest.fixture
def two_beats():
    key = f"test-beat-lock-{os.getpid()}-{free_port()}"
    first = beat_lock.BeatLock(url=os.environ["REDIS_URL"], seconds=2, key=key)
    second = beat_lock.BeatLock(url=os.environ["REDIS_URL"], seconds=2, key=key)
    yield first, second
    first.client.delete(key)


def test_a_second_beat_does_not_get_the_lock_while_the_first_holds_it(two_beats, caplog):
    first, second = two_beats
    assert first.acquire()
    assert not second.acquire()
    assert not second.renew()  # it cannot extend the first one's lock either
    assert first.renew()
    assert first.holder() == first.token
    caplog.set_level("WARNING", logger="core.beat_lock")
    stop = threading.Event()
    timer = threading.Timer(0.3, stop.set)
    timer.start()
    assert beat_lock.wait_until_held(second, stop=stop, poll=0.05) is False
    assert f"Another celery beat ({first.token}) holds the beat lock" in caplog.text


def test_the_waiting_beat_takes_over_when_the_first_stops(two_beats):
    first, second = two_beats
    assert first.acquire()
    first.release()
    assert beat_lock.wait_until_held(second, poll=0.05)
    assert second.holder() == second.token


def test_a_beat_whose_lock_expired_and_was_taken_stops_scheduling(two_beats):
    first, second = two_beats
    assert first.acquire()
    first.client.delete(first.key)  # expired (Redis was unreachable for longer than the expiry)
    assert second.acquire()
    lost = threading.Event()
    stop = threading.Event()
    beat_lock.keep_renewing(first, stop=stop, on_lost=lost.set, interval=0.05)
    assert lost.wait(5)
    stop.set()
    assert second.holder() == second.token


def _beat(tmp_path: Path, name: str, redis_url: str) -> subprocess.Popen[str]:
    schedule = str(tmp_path / f"{name}-schedule")
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "config", "beat", "--loglevel", "WARNING", "-s", schedule],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "REDIS_URL": redis_url,
            "JOINTLY_BEAT_LOCK_SECONDS": "2",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_two_beat_processes_only_one_schedules_and_the_other_takes_over_when_it_stops(tmp_path):
    """Two nodes both start celery beat: the second says it stays idle; stop the first and the second takes over."""

    redis_server = RedisServer(tmp_path / "redis")
    redis_server.start()
    lines: dict[str, list[str]] = {"first": [], "second": []}

    def follow(name: str, process: subprocess.Popen[str]) -> threading.Thread:
        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines[name].append(line)

        thread = threading.Thread(target=read, daemon=True)
        thread.start()
        return thread

    first = _beat(tmp_path, "first", redis_server.url)
    follow("first", first)
    second = None
    try:
        wait_for(
            lambda: any("holds the beat lock: this instance" in x for x in lines["first"]),
            timeout=120,  # a busy machine is slow to import Django and the app
            what="the first beat to take the lock",
        )
        second = _beat(tmp_path, "second", redis_server.url)
        follow("second", second)
        wait_for(
            lambda: any("stays idle" in x for x in lines["second"]), timeout=120, what="the second beat to say it waits"
        )
        assert not any("holds the beat lock: this instance" in x for x in lines["second"])
        first.terminate()
        first.wait(15)
        wait_for(
            lambda: any("holds the beat lock: this instance" in x for x in lines["second"]),
            timeout=120,
            what="the second beat to take over",
        )
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(15)
        redis_server.stop()
