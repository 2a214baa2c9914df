"""The batch's kernel provisioner: found through its entry point, and prompt to see a kernel it asked to stop go."""

from __future__ import annotations

import asyncio

import pytest
from jupyter_client.kernelspec import KernelSpec

from boardpack.batch.kernel import PROVISIONER
from boardpack.batch.provisioner import EXIT_WATCH, SHUTDOWN_POLL, BoardPackProvisioner


class Exiting:
    """A process handle that has exited by the ``polls``-th time it is polled."""

    def __init__(self, polls: int):
        self.polls, self.asked = polls, 0

    def poll(self):
        self.asked += 1
        return 0 if self.asked >= self.polls else None


def provisioner(process) -> BoardPackProvisioner:
    spec = KernelSpec(argv=["python"], display_name="python3", language="python")
    made = BoardPackProvisioner(kernel_id="k", kernel_spec=spec, parent=None)
    made.process = process
    return made


def test_jupyter_client_finds_the_provisioner_by_its_entry_point_name():
    from jupyter_client.provisioning import KernelProvisionerFactory

    spec = KernelSpec(argv=["python"], display_name="python3", language="python",
                      metadata={"kernel_provisioner": {"provisioner_name": PROVISIONER}})
    made = KernelProvisionerFactory.instance().create_provisioner_instance("k", spec, parent=None)
    assert type(made) is BoardPackProvisioner


def test_a_running_kernel_is_reported_running_at_once():
    process = Exiting(polls=5)
    assert asyncio.run(provisioner(process).poll()) is None
    assert process.asked == 1  # not asked to stop: no watching


def test_a_kernel_asked_to_shut_down_is_watched_until_it_exits():
    process = Exiting(polls=4)
    made = provisioner(process)
    asyncio.run(made.shutdown_requested())
    assert asyncio.run(made.poll()) == 0  # seen exiting within this one poll, not the manager's next
    assert process.asked == 4


def test_a_kernel_that_does_not_exit_is_reported_running_after_the_watch():
    process = Exiting(polls=10**9)
    made = provisioner(process)
    asyncio.run(made.shutdown_requested())
    assert asyncio.run(made.poll()) is None  # the manager's own time limit then applies
    assert 1 < process.asked <= EXIT_WATCH / SHUTDOWN_POLL + 2


@pytest.mark.parametrize("restart", [True, False])
def test_a_restart_is_not_watched_as_an_exit(restart):
    made = provisioner(Exiting(polls=3))
    asyncio.run(made.shutdown_requested(restart=restart))
    assert made.exiting is not restart
