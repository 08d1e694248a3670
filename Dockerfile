# The hub, built from the workspace. Used by docker-compose.yml.
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN npm install -g pnpm@12.4.2
COPY . .
RUN pnpm install --frozen-lockfile && pnpm build:hub && pnpm deploy --filter @releasegraph/server --prod /out/server \
 && cp -r dashboard/dist /out/dashboard-dist

FROM node:20-bookworm-slim
# git: the git connector reads repositories with the git CLI (clones are kept under the data directory).
RUN apt-get update && apt-get install -y --no-install-recommends git ca-certificates && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/releasegraph && chown node:node /var/lib/releasegraph
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 RELEASEGRAPH_DATA_DIR=/var/lib/releasegraph
VOLUME /var/lib/releasegraph
WORKDIR /app/server
COPY --from=build /out/server /app/server
COPY --from=build /out/dashboard-dist /app/dashboard/dist
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:4000/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# A larger young generation: each GraphQL list allocates many short-lived objects (see test/bench).
CMD ["node", "--max-semi-space-size=64", "dist/main.js"]
