"""The batch's kernels: forked from a warm process or started anew, on IPC sockets, recorded, ready promptly."""

from __future__ import annotations

import os
import signal
import sys
import types

import nbformat
import pytest

from boardpack.batch.kernel import RUNTIME_ENV, WaitingKernel, ipykernel_argv, kernel_manager
from boardpack.processes import recorded

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="forking needs a system that can fork")


@pytest.fixture
def runtime(tmp_path, monkeypatch):
    """A run's private folder: the kernels' connection files and sockets go there, by absolute path."""
    folder = tmp_path / "runtime"
    folder.mkdir()
    monkeypatch.setenv(RUNTIME_ENV, str(folder))
    return folder


def test_the_kernel_command_of_this_python_gives_ipykernels_own_arguments():
    me = sys.executable
    assert ipykernel_argv([me, "-m", "ipykernel_launcher", "-f", "k.json"]) == ["-f", "k.json"]
    assert ipykernel_argv([me, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "k.json", "--debug"]) == [
        "-f", "k.json", "--debug"]


@pytest.mark.parametrize("cmd", [
    ["/usr/bin/env", "-m", "ipykernel_launcher", "-f", "k.json"],  # another program
    [sys.executable, "-m", "other_launcher", "-f", "k.json"],  # another kernel
    [sys.executable, "-I", "-m", "ipykernel_launcher", "-f", "k.json"],  # an option a fork cannot take
    [],
])
def test_any_other_kernel_command_is_started_as_a_new_process(cmd):
    assert ipykernel_argv(cmd) is None


def test_a_waiting_kernel_never_started_exits_quietly_when_discarded():
    waiting = WaitingKernel()
    assert waiting.unused and waiting.poll() is None
    waiting.discard()
    assert waiting.returncode == 0 and not waiting.unused
    waiting.discard()  # twice is harmless


def test_a_waiting_kernel_prepares_while_it_waits_and_a_failed_preparation_is_no_failure(tmp_path):
    marker = tmp_path / "prepared"

    def prepare():
        marker.write_text(str(os.getpid()))

    waiting = WaitingKernel(prepare=prepare)
    waiting.discard()
    assert waiting.returncode == 0
    assert marker.read_text() == str(waiting.pid)  # in the waiting process, not in this one

    def broken():
        raise ImportError("no module named 'boardpack.sections'")

    waiting = WaitingKernel(prepare=broken)
    waiting.discard()
    assert waiting.returncode == 0  # the notebook's own import would report it, in its cell


def test_a_kernel_whose_owner_died_while_it_prepared_does_not_start(tmp_path, capfd):
    # The worker building a borough was killed after papermill had sent the kernel its command line:
    # the kernel, still preparing, must not then become a kernel in an abandoned build.
    import time

    import psutil

    pid_file = tmp_path / "kernel.pid"
    owner = os.fork()
    if owner == 0:  # pragma: no cover - exits at once
        waiting = WaitingKernel(prepare=lambda: time.sleep(0.5))
        pid_file.write_text(str(waiting.pid))
        waiting.start(["--version"], str(tmp_path), dict(os.environ))  # a kernel would print its version
        os._exit(0)
    os.waitpid(owner, 0)
    kernel = psutil.Process(int(pid_file.read_text()))
    kernel.wait(timeout=10)
    out, err = capfd.readouterr()
    assert out == "" and "Traceback" not in err  # a kernel would have printed its version


def test_a_waiting_kernel_whose_owner_goes_away_exits_too():
    # The pipe's write end closes when the process that forked it dies: here, when it closes it.
    waiting = WaitingKernel()
    waiting.let_go()
    assert waiting.wait() == 0


def test_a_waiting_kernel_can_be_killed_like_a_process():
    waiting = WaitingKernel()
    waiting.send_signal(signal.SIGKILL)
    assert waiting.wait() == -signal.SIGKILL
    waiting.kill()  # already gone: nothing to do


def test_a_forked_kernel_runs_a_notebook_with_what_its_parent_had_imported(tmp_path, runtime):
    from nbclient import NotebookClient

    # A module only this process has: a spawned kernel could not import it, a forked one already has it.
    sys.modules["boardpack_warm_marker"] = types.ModuleType("boardpack_warm_marker")
    try:
        waiting = WaitingKernel()
    finally:
        del sys.modules["boardpack_warm_marker"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os, sys\nprint('boardpack_warm_marker' in sys.modules, os.getcwd(), os.getpid(), "
        "os.environ['JPY_PARENT_PID'])")])
    client = NotebookClient(nb, kernel_name="python3", kernel_manager_class=kernel_manager("camden", waiting),
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    marker, cwd, pid, parent = nb.cells[0].outputs[0]["text"].split()
    assert marker == "True" and cwd == str(tmp_path) and int(pid) == waiting.pid
    assert int(parent) == os.getpid()  # ipykernel polls this process and exits when it dies
    assert waiting.poll() is not None  # nbclient shut the kernel down and it was reaped
    assert not waiting.unused


def test_a_second_kernel_from_the_same_manager_class_is_started_as_a_new_process(runtime):
    from nbclient import NotebookClient

    waiting = WaitingKernel()
    manager = kernel_manager("camden", waiting)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; print(os.getpid())")])
    NotebookClient(nb, kernel_name="python3", kernel_manager_class=manager).execute()
    first = int(nb.cells[0].outputs[0]["text"])
    NotebookClient(nb, kernel_name="python3", kernel_manager_class=manager).execute()
    second = int(nb.cells[0].outputs[0]["text"])
    assert first == waiting.pid and second != waiting.pid


@pytest.mark.parametrize("started", ["forked", "new process"])
def test_every_kernel_is_recorded_in_the_run_folder_with_its_borough(runtime, started):
    from nbclient import NotebookClient

    waiting = WaitingKernel() if started == "forked" else None
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os; print(os.getpid(), os.getpgid(0))")])
    NotebookClient(nb, kernel_name="python3", kernel_manager_class=kernel_manager("camden", waiting)).execute()
    pid, group = map(int, nb.cells[0].outputs[0]["text"].split())
    (entry,) = recorded(runtime)
    assert (entry.pid, entry.role, entry.borough) == (pid, "kernel", "camden")
    assert group == pid  # a session of its own, as jupyter_client starts kernels: stopped with its group
    assert not entry.is_running()  # nbclient shut it down


def test_the_kernel_spec_names_the_suites_provisioner_unless_it_names_another(tmp_path, monkeypatch):
    from jupyter_client.provisioning import KernelProvisionerFactory

    from boardpack.batch.kernel import PROVISIONER, BoardPackKernelManager

    # As if the package of the other provisioner were installed.
    monkeypatch.setattr(KernelProvisionerFactory, "is_provisioner_available", lambda self, spec: True)
    manager = BoardPackKernelManager(kernel_name="python3")
    assert manager.kernel_spec.metadata["kernel_provisioner"] == {"provisioner_name": PROVISIONER, "config": {}}
    own = tmp_path / "kernels" / "remote"
    own.mkdir(parents=True)
    (own / "kernel.json").write_text('{"argv": ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"], '
                                     '"display_name": "remote", "language": "python", '
                                     '"metadata": {"kernel_provisioner": {"provisioner_name": "remote-one"}}}')
    specs = manager.kernel_spec_manager
    specs.kernel_dirs = [str(tmp_path / "kernels")]
    assert specs.get_kernel_spec("remote").metadata["kernel_provisioner"]["provisioner_name"] == "remote-one"


def test_the_client_speaks_the_kernels_major_protocol_version():
    import jupyter_client

    from boardpack.batch.kernel import PromptKernelClient

    client = PromptKernelClient()
    major = jupyter_client.protocol_version_info[0]
    client.adapt_to({"content": {"protocol_version": f"{major}.1"}})
    assert client.session.adapt_version == jupyter_client.session.Session().adapt_version  # unchanged
    client.adapt_to({"content": {"protocol_version": f"{major - 1}.0"}})
    assert client.session.adapt_version == major - 1


@pytest.fixture
def readiness(monkeypatch):
    """What each wait for a kernel's readiness saw: a list of IOPub reads, True when the idle status came."""
    from boardpack.batch.kernel import PromptKernelClient

    seen: list[list[bool]] = []
    idle_after = PromptKernelClient.idle_after
    ready = PromptKernelClient.wait_for_ready

    async def waiting(self, timeout=None):
        seen.append([])
        return await ready(self, timeout)

    async def recording(self, asked):
        answer = await idle_after(self, asked)
        seen[-1].append(answer)
        return answer

    monkeypatch.setattr(PromptKernelClient, "wait_for_ready", waiting)
    monkeypatch.setattr(PromptKernelClient, "idle_after", recording)
    return seen


@pytest.mark.parametrize("started", ["forked", "new process"])
def test_a_kernel_is_ready_once_it_says_it_is_idle_without_waiting_out_a_silent_iopub(runtime, readiness, started):
    from nbclient import NotebookClient

    manager = kernel_manager("camden", WaitingKernel() if started == "forked" else None)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('first')")])
    NotebookClient(nb, kernel_name="python3", kernel_manager_class=manager).execute()
    assert readiness == [[True]]  # the idle status after kernel_info came: no 0.2 s of silence was waited for
    # Nothing the kernel said while starting reached the first cell.
    assert [(o["output_type"], o.get("text")) for o in nb.cells[0].outputs] == [("stream", "first\n")]


def test_a_kernel_whose_iopub_missed_the_first_answer_is_asked_again(runtime, readiness, monkeypatch):
    from nbclient import NotebookClient

    from boardpack.batch.kernel import PromptKernelClient

    asked = []
    kernel_info = PromptKernelClient.kernel_info
    idle_after = PromptKernelClient.idle_after

    def counting(self, *args, **kwargs):
        asked.append(1)
        return kernel_info(self, *args, **kwargs)

    async def missing_the_first(self, requests):
        answer = await idle_after(self, requests)
        return answer and len(asked) > 2  # as if IOPub had been silent after the first reply

    monkeypatch.setattr(PromptKernelClient, "kernel_info", counting)
    monkeypatch.setattr(PromptKernelClient, "idle_after", missing_the_first)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('first')")])
    NotebookClient(nb, kernel_name="python3", kernel_manager_class=kernel_manager("camden", WaitingKernel())).execute()
    assert len(asked) >= 3  # the first request (and one more on IOPub's welcome), then asked again
    assert [(o["output_type"], o.get("text")) for o in nb.cells[0].outputs] == [("stream", "first\n")]
