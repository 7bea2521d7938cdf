"""``planflow serve``: every schedule of ``flows/deployments.py`` in one process.

The production set-up for one machine (docs/deploy.md, set-up 1): a local Prefect API
under PLANFLOW_HOME/prefect (unless PREFECT_API_URL points at a server), the embedded
store, and a Prefect runner that starts each scheduled flow run as a subprocess.

Stopping: SIGINT (Ctrl-C) or SIGTERM. The runner takes no new run; the runs in progress
finish (up to ``--grace`` seconds; a second signal stops at once, and an interrupted run
rolls back: it wrote nothing and the next run does its work); the schedules are paused,
and the local API is stopped once every run is recorded. SIGINT is blocked in this
process and the processes it starts (the signal mask is inherited) and taken by a thread
that waits for it, so a Ctrl-C in the terminal, which reaches the whole process group,
stops only this process and never interrupts a run mid-flight.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import signal
import threading
import time
from typing import Annotated, Any

import typer

from planflow import vnformat as vn
from planflow.cli.check import quiet
from planflow.cli.common import (
    AsOfOption,
    DefinitionsOption,
    as_of_value,
    console,
    definitions,
    handled,
    settings,
)
from planflow.errors import PlanflowError


def _intervals(values: list[str]) -> dict[str, float]:
    out = {}
    for value in values:
        name, _, seconds = value.partition("=")
        try:
            out[name.strip()] = float(seconds)
        except ValueError:
            raise PlanflowError(f"--every '{value}': cần dạng TÊN=GIÂY, ví dụ check-plans=60") from None
        if out[name.strip()] <= 0:
            raise PlanflowError(f"--every '{value}': số giây phải dương")
    return out


def serve(
    definitions_dir: DefinitionsOption = None,
    as_of: AsOfOption = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Chỉ chạy lịch này (lặp lại được), ví dụ check-plans.")
    ] = None,
    every: Annotated[
        list[str] | None,
        typer.Option("--every", help="Thay lịch cron bằng chu kỳ TÊN=GIÂY (thử), ví dụ check-plans=60."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Số lượt chạy cùng lúc tối đa.")] = 4,
    grace: Annotated[
        float, typer.Option("--grace", min=0, help="Khi dừng: chờ lượt đang chạy xong tối đa bấy nhiêu giây.")
    ] = 600,
    verbose: Annotated[bool, typer.Option("--verbose", help="Hiện nhật ký Prefect.")] = False,
) -> None:
    """Chạy mọi lịch (kiểm tra 07:00, lập báo cáo 06:30, thư lãnh đạo thứ Hai, gửi lại thư)
    trong một tiến trình, trên kho SQLite nhúng. Dừng bằng Ctrl-C hoặc SIGTERM.

    Ví dụ: planflow serve
    """
    from planflow.flows.deployments import DEPLOYMENTS

    with handled():
        config = settings(definitions_dir)
        definitions(config)  # a definition error stops here, before anything starts
        wanted = set(only or [d.name for d in DEPLOYMENTS if d.served])
        known = {d.name for d in DEPLOYMENTS}
        if wanted - known:
            listed = ", ".join(sorted(known))
            raise PlanflowError(f"không có lịch {sorted(wanted - known)}; các lịch: {listed}")
        intervals = _intervals(every or [])
        if set(intervals) - wanted:
            raise PlanflowError(f"--every {sorted(set(intervals) - wanted)}: lịch không được chạy")
        moment = as_of_value(as_of)
        specs = [d for d in DEPLOYMENTS if d.name in wanted]
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        quiet(verbose)
        from planflow.flows.env import configure_local_prefect

        configure_local_prefect(config.prefect_home)
        from planflow.flows.runtime import prefect_server

        with prefect_server(config.prefect_home) as url:
            console.print(f"API Prefect: {url}")
            stopped = asyncio.run(_serve(specs, str(config.definitions), moment, intervals, limit, grace))
        console.print(f"planflow serve đã dừng: {stopped}.")


def _parameters(spec: Any, folder: str, moment: dt.date | dt.datetime | None) -> dict[str, Any]:
    """The deployment's ``params`` with this command's definitions folder and, for a flow
    that takes one, its as-of moment."""
    from planflow.flows.deployments import merged

    extra: dict[str, Any] = {"definitions": folder}
    if moment is not None and "as_of" in spec.params_model().model_fields:
        extra["as_of"] = moment.isoformat()
    params: dict[str, Any] = merged(merged(spec.parameters, spec.serve_parameters), {"params": extra})
    return params


async def _serve(
    specs: list[Any], folder: str, moment: dt.date | dt.datetime | None, intervals: dict[str, float],
    limit: int, grace: float,
) -> str:  # fmt: skip
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.schedules import Cron, Interval

    from planflow.flows.compat import runner_with_sigterm, stop_scheduling
    from planflow.flows.deployments import TIMEZONE

    ENQUEUE = ConcurrencyLimitStrategy.ENQUEUE
    loop = asyncio.get_running_loop()
    requests: asyncio.Queue[str] = asyncio.Queue()

    runner_class = runner_with_sigterm(lambda: loop.call_soon_threadsafe(requests.put_nowait, "SIGTERM"))
    runner = runner_class(name="planflow-serve", limit=limit, pause_on_shutdown=True)
    names: dict[Any, str] = {}
    for spec in specs:
        flow = getattr(importlib.import_module(spec.module), spec.flow_name)
        seconds = intervals.get(spec.name)
        schedule = Interval(dt.timedelta(seconds=seconds), timezone=TIMEZONE) if seconds else (
            Cron(spec.cron, timezone=TIMEZONE) if spec.cron else None)  # fmt: skip
        limited = ConcurrencyLimitConfig(limit=spec.limit or 1, collision_strategy=ENQUEUE)
        deployment = await flow.ato_deployment(
            name=spec.name, description=spec.description, tags=["planflow"],
            parameters=_parameters(spec, folder, moment), schedules=[schedule] if schedule else [],
            paused=False, concurrency_limit=limited if spec.limit else None,
        )  # fmt: skip
        names[await runner.aadd_deployment(deployment)] = spec.name
        # what it does and when, as its description says it; a test's interval replaces the cron
        console.print(f"  {spec.name}: {f'mỗi {seconds:g} giây' if seconds else spec.description}")
    _watch_sigint(loop, requests)
    started = asyncio.create_task(runner.start())
    console.print("planflow serve đang chạy; Ctrl-C hoặc SIGTERM để dừng.")
    seen: dict[Any, str] = {}
    watcher = asyncio.create_task(_report_runs(names, seen))
    signal_name = await requests.get()
    console.print(f"Nhận {signal_name}: không nhận lượt mới; chờ lượt đang chạy xong (tối đa {grace:g} s).")
    stop_scheduling(runner)  # no new runs; the ones started go on
    deadline = time.monotonic() + grace
    forced = False
    while await _in_flight(names) and time.monotonic() < deadline:
        try:
            again = await asyncio.wait_for(requests.get(), timeout=1)
        except TimeoutError:
            continue
        console.print(f"Nhận {again} lần nữa: dừng ngay.")
        forced = True
        break
    left = await _in_flight(names)
    await runner.astop()
    for task in (started, watcher):
        task.cancel()
    await asyncio.gather(started, watcher, return_exceptions=True)
    await _report_once(names, seen)
    if left:
        reason = "dừng ngay" if forced else f"quá {grace:g} giây"
        return f"{left} lượt chạy bị hủy ({reason}); lần chạy sau sẽ làm lại"
    return "không có lượt chạy nào bị cắt ngang"


async def _in_flight(names: dict[Any, str]) -> int:
    """How many runs of our deployments are Pending or Running."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    ours = DeploymentFilter(id=DeploymentFilterId(any_=list(names)))
    pending_or_running = FlowRunFilterStateType(any_=[StateType.PENDING, StateType.RUNNING])
    active = FlowRunFilter(state=FlowRunFilterState(type=pending_or_running))
    async with get_client() as client:
        return len(await client.read_flow_runs(deployment_filter=ours, flow_run_filter=active))


async def _report_once(names: dict[Any, str], seen: dict[Any, str], client: Any = None) -> None:
    """Print each run of our deployments that started or finished since the last call
    (asked through ``client``, or a client of its own)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    ours = DeploymentFilter(id=DeploymentFilterId(any_=list(names)))
    if client is None:
        async with get_client() as own:
            runs = await own.read_flow_runs(deployment_filter=ours)
    else:
        runs = await client.read_flow_runs(deployment_filter=ours)
    for run in runs:
        state = run.state
        if state is None or run.deployment_id is None or seen.get(run.id) == state.type.value:
            continue
        if state.is_running() or state.is_final():
            at = dt.datetime.now().strftime("%H:%M:%S")
            ended = vn.RUN_STATE_LABELS.get(state.type.value, state.name)
            verb = "bắt đầu" if state.is_running() else f"kết thúc: {ended}"
            console.print(f"[{at}] {names[run.deployment_id]} ({run.name}) {verb}")
            seen[run.id] = state.type.value


async def _report_runs(names: dict[Any, str], seen: dict[Any, str]) -> None:
    """Report every second, through one client: making a client (and its settings) costs
    tens of milliseconds of CPU, which every second kept an idle serve at 4% of a core."""
    from prefect.client.orchestration import get_client

    async with get_client() as client:
        while True:
            try:
                await _report_once(names, seen, client)
            except Exception as exc:  # the API may be busy; the next round reports what changed
                console.print(f"(không đọc được trạng thái các lượt chạy: {exc})")
            await asyncio.sleep(1)


def _watch_sigint(loop: asyncio.AbstractEventLoop, requests: asyncio.Queue[str]) -> None:
    """A thread that takes each (blocked) SIGINT and hands it to the loop."""

    def wait() -> None:
        while True:
            signal.sigwait({signal.SIGINT})
            loop.call_soon_threadsafe(requests.put_nowait, "SIGINT (Ctrl-C)")

    threading.Thread(target=wait, name="planflow-sigint", daemon=True).start()
