# The image `meshsim sweep --emit-job` names (default meshsim:latest): meshsim built from this checkout,
# with models/ under /work, the Job's working directory. docs/studies.md explains the Indexed Job.
#   docker build -t meshsim:latest .
#   docker run --rm meshsim:latest meshsim validate models/canary
FROM node:20-slim
WORKDIR /work
# Dependencies first (a layer that changes only with the lockfile); the prepare script (tsc) needs src/.
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm ci --no-audit --no-fund \
 && npm prune --omit=dev --no-audit --no-fund \
 && chmod +x bin/meshsim.js \
 && ln -s /work/bin/meshsim.js /usr/local/bin/meshsim \
 && mkdir -p /results && chown node:node /results
# Models and studies the Job runs; add your own manifests the same way (FROM meshsim:latest, COPY).
COPY models ./models
USER node
CMD ["meshsim", "--help"]
