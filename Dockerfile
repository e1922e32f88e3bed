# One image for the API, the site and the worker. The site is built here; only production
# dependencies reach the final stage. No secret is baked in: every setting comes from Fly.
FROM oven/bun:1.4.5 AS build
WORKDIR /app
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
COPY package.json bun.lock bunfig.toml tsconfig.json ./
COPY api/package.json api/
COPY db/package.json db/
COPY web/package.json web/
COPY workers/package.json workers/
COPY tests/package.json tests/
RUN bun install --frozen-lockfile
COPY . .
RUN bun run --filter @tenor/web build

FROM oven/bun:1.4.5-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production APP_ENV=production PORT=8080
COPY --from=build /app/package.json /app/bun.lock /app/bunfig.toml /app/tsconfig.json ./
COPY --from=build /app/api/package.json api/
COPY --from=build /app/db/package.json db/
COPY --from=build /app/web/package.json web/
COPY --from=build /app/workers/package.json workers/
COPY --from=build /app/tests/package.json tests/
RUN bun install --frozen-lockfile --production
COPY --from=build /app/api api
COPY --from=build /app/db db
COPY --from=build /app/workers workers
COPY --from=build /app/web/build web/build
USER bun
EXPOSE 8080
CMD ["bun", "api/src/server.ts"]
