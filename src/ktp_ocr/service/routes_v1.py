"""Our own contract: ``POST /v1/ktp``, health probes and metrics."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from ..result import KtpResult
from .errors import NOT_READY, SafeJSONResponse, envelope, error_response, http_status
from .ocr import open_for_reads, run_read
from .openapi import BASE64_IMAGE, error_responses, image_body
from .reqopts import ReadRequest
from .shape import v1_body
from .state import get_state
from .uploads import read_upload

router = APIRouter()


@router.post(
    "/v1/ktp",
    tags=["ktp"],
    summary="Read a KTP",
    response_class=JSONResponse,
    response_model=KtpResult,  # documents the 200 body for generated clients; the handler answers JSON itself
    responses={
        200: {
            "description": "The KtpResult JSON (status SUCCESS, UNRECOGNIZED_DOCUMENT_TYPE or "
            "MULTIPLE_DOCUMENTS_DETECTED); keys the with* switches leave out are absent"
        },
        **error_responses(),
    },
    openapi_extra=image_body(json_props={"image": BASE64_IMAGE}, raw=True),
)
async def read_ktp(
    request: Request,
    with_raw_text: Annotated[bool, Query(alias="withRawText", description="Include raw OCR text.")] = False,
    with_confidence: Annotated[bool, Query(alias="withConfidence", description="Include confidences.")] = True,
    with_polygon: Annotated[bool, Query(alias="withPolygon", description="Include polygons.")] = False,
    qualities: Annotated[bool, Query(description="Include the nine is_* quality verdicts.")] = True,
    images: Annotated[bool, Query(description="Include face/signature crops (base64).")] = False,
    card_detect: Annotated[bool | None, Query(alias="cardDetect")] = None,
    pass_card_detect: Annotated[bool | None, Query(alias="passCardDetect")] = None,
    flip_image: Annotated[bool | None, Query(alias="flipImage")] = None,
    check_flip_image: Annotated[bool | None, Query(alias="checkFlipImage")] = None,
    validate_result: Annotated[
        bool | None, Query(alias="validateResult", description="false drops valid/warnings/nik_details.")
    ] = None,
    review_error_rate: Annotated[
        float | None,
        Query(
            alias="reviewErrorRate",
            ge=0,
            le=1,
            description="Target error rate of the fields accepted without review (server default 0.005).",
        ),
    ] = None,
) -> JSONResponse:
    """Multipart ``image``, JSON ``{"image": "<base64>"}`` or the raw file; answers the KtpResult JSON."""
    req = ReadRequest(
        with_raw_text=with_raw_text,
        with_confidence=with_confidence,
        with_polygon=with_polygon,
        qualities=qualities,
        images=images,
        card_detect=card_detect,
        pass_card_detect=pass_card_detect,
        flip_image=flip_image,
        check_flip_image=check_flip_image,
        validate_result=validate_result,
        review_error_rate=review_error_rate,
    )
    state = open_for_reads(request)  # NOT_READY/BUSY before a byte of the body is read
    upload = await read_upload(request)
    result = await run_read(state, upload.data, req.reader_options(state.base_options), request.state.request_id)
    return SafeJSONResponse(v1_body(result, req), status_code=http_status(result.status))


@router.get("/healthz", tags=["ops"], summary="Liveness: the process answers")
async def healthz() -> dict[str, str]:
    return envelope("OK", "The server is alive.")


@router.get("/readyz", tags=["ops"], summary="Readiness: the OCR models are loaded", response_model=None)
async def readyz(request: Request) -> JSONResponse:
    state = get_state(request)
    if not state.reader.ready:
        return error_response(NOT_READY, state.reader.error and f"The reader failed to load: {state.reader.error}")
    return SafeJSONResponse(envelope("READY", "The OCR models are loaded.", queued=state.pool.queued))


@router.get("/metrics", tags=["ops"], summary="Prometheus metrics", response_class=Response)
async def metrics(request: Request) -> Response:
    state = get_state(request)
    return Response(state.metrics.render(), media_type=state.metrics.content_type)
