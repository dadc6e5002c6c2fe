# The linkgraph app (and CLI) as an image; docker-compose.yml runs it next to Neo4j.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY linkgraph ./linkgraph
COPY loaders ./loaders
COPY app ./app
COPY queries ./queries
RUN pip install . \
    && useradd --create-home --uid 10001 linkgraph \
    && rm -rf /src

USER linkgraph
WORKDIR /home/linkgraph
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4)" || exit 1
CMD ["linkgraph", "app", "--host", "0.0.0.0", "--port", "8501"]
