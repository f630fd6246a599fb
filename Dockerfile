# The pipeline's image: the workspace as it is in the repository, run with tsx.
FROM node:20-bookworm-slim
ENV PNPM_VERSION=9.15.9 CI=true
RUN npm install --global "pnpm@${PNPM_VERSION}"
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc tsconfig.base.json tsconfig.json ./
COPY packages ./packages
RUN pnpm install --frozen-lockfile
COPY migrations ./migrations
COPY sql ./sql
# The weekly data-quality reports; compose mounts a volume here (it takes this owner).
RUN mkdir -p /reports && chown node:node /reports
ENV REPORT_DIR=/reports
USER node
# node directly (not pnpm), so SIGTERM reaches the command and the scheduler can shut down cleanly.
ENTRYPOINT ["node", "--import", "tsx", "packages/cli/src/main.ts"]
CMD ["status"]
