# ktp-ocr HTTP service. Build: docker build -t ktp-ocr .
# Run (an API key is required to listen beyond the container's loopback):
#   docker run --rm -p 8000:8000 -e KTP_OCR_API_KEYS=change-me ktp-ocr
# Models ship inside the wheels (RapidOCR, OpenVINO, onnxruntime): the container needs no network at run time.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml constraints.txt README.md LICENSE ./
COPY src ./src
RUN pip install -c constraints.txt ".[service]" \
    && useradd --create-home --uid 10001 ktp

USER ktp
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"
CMD ["ktp-ocr", "serve", "--host", "0.0.0.0", "--port", "8000"]
