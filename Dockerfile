# NTDC node image: the project's own files plus pinned packages from the package index.
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md ./
COPY ledger ./ledger
COPY consensus ./consensus
COPY nodes ./nodes
COPY api ./api
RUN pip install --no-cache-dir .
RUN useradd --create-home ntdc && mkdir /network && chown ntdc /network
USER ntdc
ENTRYPOINT ["ntdc"]
