# safeproxy: a small image that runs the proxy with the bundled default policy.
#   docker build -t safeproxy .
#   docker run -p 8080:8080 safeproxy serve --host 0.0.0.0 --upstream http://model:8000
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY safeproxy ./safeproxy
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --uid 10001 safeproxy
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
USER 10001
EXPOSE 8080
# SIGTERM drains in-flight requests (server.drain_s) before the process exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["safeproxy"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
