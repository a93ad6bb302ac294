"""The inference runtime under the OCR models: onnxruntime or OpenVINO, how many threads, which precision.

RapidOCR builds its own onnxruntime sessions with the library's defaults: one intra-op thread per core, threads
that spin while they wait. On a server that reads many cards at once that costs CPU for nothing (measured: about
1.2x the CPU of one thread that sleeps), so the reader builds the sessions itself and hands them to RapidOCR's
pre- and post-processing. OpenVINO reads the same ONNX files from the ``rapidocr`` wheel (nothing is converted or
downloaded) and runs the detector in about 0.6x the CPU of onnxruntime on an AVX2 machine; it is the default
when installed, onnxruntime the fallback.

A model object here is what RapidOCR's ``TextDetector``/``TextRecognizer``/``TextClassifier`` call: ``model(x)``
returns the first output; ``have_key``/``get_character_list`` give the recogniser's alphabet.

Telemetry is off before either library starts (:func:`disable_telemetry`): a card reader on premises sends
nothing anywhere and leaves no device identifier or event database in the home folder.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

log = logging.getLogger(__name__)

Backend = Literal["auto", "onnxruntime", "openvino"]
Precision = Literal["auto", "f32", "bf16"]

DEFAULT_BACKEND: Backend = "auto"
DEFAULT_THREADS = 1  # one card per core: the least CPU per card; parallelism comes from readers side by side
DEFAULT_PRECISION: Literal["f32", "bf16"] = "f32"  # same strings on every CPU; bf16 (where the CPU has it) is opt-in
OPENVINO_PRECISION = {"f32": "f32", "bf16": "bf16"}
# onnxruntime's 1DS telemetry (official wheels, Linux too): read once, when the library sets up its environment.
# Unset, it keeps a device id and an event database under ~/.cache/Microsoft/DeveloperTools/.onnxruntime/ and
# uploads to Microsoft's collector. "1" turns all of it off for the process; an operator's explicit value is kept.
ORT_TELEMETRY_ENV = "ORT_DISABLE_TELEMETRY"


class Model(Protocol):
    """What RapidOCR's stages call on their ``session`` attribute."""

    def __call__(self, x: np.ndarray) -> np.ndarray: ...

    def have_key(self, key: str = "character") -> bool: ...

    def get_character_list(self, key: str = "character") -> list[str]: ...


@dataclass(frozen=True)
class Runtime:
    """A resolved runtime: the backend that will run, threads per model call, and precision."""

    backend: Literal["onnxruntime", "openvino"]
    threads: int
    precision: Literal["f32", "bf16"]

    def load(self, path: Path) -> Model:
        """One model of the wheel on this runtime."""
        if self.backend == "openvino":
            return OpenVinoModel(path, self.threads, self.precision)
        return OrtModel(path, self.threads)

    def describe(self) -> str:
        return f"{self.backend}, {self.threads} thread(s), {self.precision}"


def disable_telemetry() -> None:
    """Turn off onnxruntime's and OpenVINO's telemetry for this process; call before either is imported.

    onnxruntime: ``ORT_DISABLE_TELEMETRY=1`` before it initialises (no uploader, no device id, no database),
    then ``disable_telemetry_events()`` (all that is left when it was imported and initialised before us).
    OpenVINO: ``import openvino`` imports its converter (``openvino.tools.ovc``), which starts
    ``openvino_telemetry`` (a Google Analytics upload, a client id and a usage count under ``~/intel``) unless
    the user opted out with a file in the home folder. Without writing there: the converter falls back to its
    no-op stub when ``openvino_telemetry`` cannot be imported, so the module is hidden from this process; if it
    was already imported, its consent check is made to decline. Idempotent and cheap; never raises.
    """
    os.environ.setdefault(ORT_TELEMETRY_ENV, "1")
    _decline_openvino_telemetry()
    if os.environ[ORT_TELEMETRY_ENV] == "0" or importlib.util.find_spec("onnxruntime") is None:
        return
    try:
        import onnxruntime

        onnxruntime.disable_telemetry_events()
    except Exception:  # an onnxruntime without the call has nothing more to turn off
        log.debug("onnxruntime.disable_telemetry_events() failed", exc_info=True)


def _decline_openvino_telemetry() -> None:
    if "openvino_telemetry" not in sys.modules:
        sys.modules["openvino_telemetry"] = None  # type: ignore[assignment]  # import raises: ovc uses its stub
        return
    if sys.modules["openvino_telemetry"] is None:
        return
    try:  # imported before us: decline from now on (a consent file, if any, is left alone)
        from openvino_telemetry.main import Telemetry
        from openvino_telemetry.utils.opt_in_checker import ConsentCheckResult, OptInChecker

        def declined(*_: Any, **__: Any) -> ConsentCheckResult:
            return ConsentCheckResult.DECLINED

        OptInChecker.check = declined  # its consent check, for this process only
        with contextlib.suppress(Exception):  # the configured singleton; raises when it was never configured
            Telemetry().consent = False
    except Exception:  # another version laid out differently: nothing more we can do without the home folder
        log.debug("could not turn off openvino_telemetry", exc_info=True)


def openvino_available() -> bool:
    return importlib.util.find_spec("openvino") is not None


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity, as a container or ``taskset`` limits it): the one count
    of cores, for the runtime's threads, the service's workers and batch jobs alike."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def resolve(backend: Backend = DEFAULT_BACKEND, threads: int = 0, precision: Precision = "auto") -> Runtime:
    """The runtime to use. ``auto`` picks OpenVINO when installed, else onnxruntime; ``threads`` 0 = the default.

    An explicit ``openvino`` that is not installed is an error (asked for, so it must not silently change);
    ``auto`` falls back quietly. ``bf16`` runs only on OpenVINO on a CPU that has it, else f32 with a warning.
    """
    disable_telemetry()
    chosen: Literal["onnxruntime", "openvino"]
    if backend == "openvino" and not openvino_available():
        raise ValueError("OCR backend 'openvino' asked for but not installed: pip install openvino")
    chosen = "openvino" if backend == "openvino" or (backend == "auto" and openvino_available()) else "onnxruntime"
    count = threads if threads > 0 else DEFAULT_THREADS
    count = max(1, min(count, available_cores()))
    wanted: Literal["f32", "bf16"] = DEFAULT_PRECISION if precision == "auto" else precision
    if wanted == "bf16" and not (chosen == "openvino" and _cpu_has_bf16()):
        log.warning("bf16 needs OpenVINO on a CPU with bf16 support; running f32")
        wanted = "f32"
    return Runtime(chosen, count, wanted)


def _cpu_has_bf16() -> bool:
    disable_telemetry()
    import openvino as ov

    return "BF16" in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")


class OrtModel:
    """An onnxruntime session with a fixed thread count and no spinning between calls."""

    def __init__(self, path: Path, threads: int) -> None:
        disable_telemetry()
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.log_severity_level = 4
        opts.enable_cpu_mem_arena = False  # line widths vary per call; an arena keeps the largest forever
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name

    def __call__(self, x: np.ndarray) -> np.ndarray:
        out: np.ndarray = self._session.run(None, {self._input: x})[0]
        return out

    def have_key(self, key: str = "character") -> bool:
        return key in self._session.get_modelmeta().custom_metadata_map

    def get_character_list(self, key: str = "character") -> list[str]:
        text: str = self._session.get_modelmeta().custom_metadata_map[key]
        return text.splitlines()


class OpenVinoModel:
    """The same ONNX file compiled by OpenVINO for the CPU, one stream, latency-oriented."""

    def __init__(self, path: Path, threads: int, precision: str) -> None:
        disable_telemetry()
        import openvino as ov

        core = ov.Core()
        self._model = core.read_model(str(path))
        config: dict[str, Any] = {
            "INFERENCE_NUM_THREADS": str(threads),
            "INFERENCE_PRECISION_HINT": OPENVINO_PRECISION[precision],
            "PERFORMANCE_HINT": "LATENCY",
            "NUM_STREAMS": "1",
            # Pinned, every compiled model's one stream sits on the first core: two readers side by side then
            # share one core (measured: 2 readers 0.44 cards/s pinned, 0.71 not, 1 reader 0.46).
            "ENABLE_CPU_PINNING": "NO",
        }
        self._request = core.compile_model(self._model, "CPU", config).create_infer_request()

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self._request.infer([np.ascontiguousarray(x)])
        return np.array(self._request.get_output_tensor(0).data)  # the request reuses its buffer on the next call

    def _metadata(self) -> dict[str, Any]:
        info = self._model.get_rt_info()  # an RTMap: ``in`` and ``[]`` work, ``get`` does not exist
        if "framework" not in info:
            return {}
        framework: dict[str, Any] = info["framework"]
        return framework

    def have_key(self, key: str = "character") -> bool:
        return key in self._metadata()

    def get_character_list(self, key: str = "character") -> list[str]:
        value = self._metadata()[key]
        return str(getattr(value, "value", value)).splitlines()
