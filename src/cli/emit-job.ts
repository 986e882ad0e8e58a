/** The image `--emit-job` names: the Dockerfile at the repository root builds it (docs/studies.md). */
export const DEFAULT_IMAGE = 'meshsim:latest';

/**
 * A Kubernetes Indexed Job: completion i runs `meshsim sweep --shard i/N` (through JOB_COMPLETION_INDEX,
 * which the Job controller sets, and MESHSIM_SHARDS) and writes /results/shard-i.json to a volume; then
 * `meshsim merge /results/shard-*.json` anywhere the volume is mounted.
 */
export function emitJob(o: {
  sweepPath: string;
  image: string;
  shards: number;
  parallelism: number;
  claim: string;
  simulateMisconfig?: boolean;
  /** `--istio-version` of the emitting command, passed to every shard. */
  istioVersion?: string;
}): string {
  const name = `meshsim-sweep-${o.sweepPath
    .split('/')
    .pop()!
    .replace(/\.ya?ml$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')}`
    .slice(0, 52)
    .replace(/-+$/, '');
  return `# Indexed Job: ${o.shards} shards of ${o.sweepPath}; merge with
#   meshsim merge /results/shard-*.json --format csv --out sweep.csv
# The image: docker build -t ${o.image} . at the repository root (the Dockerfile copies the checkout to /work,
# models/ included; push it to a registry the cluster pulls from, or kind load docker-image ${o.image}).
# The PersistentVolumeClaim ${o.claim} must exist and be ReadWriteMany when pods share it (docs/studies.md).
apiVersion: batch/v1
kind: Job
metadata:
  name: ${name}
  labels: {app.kubernetes.io/name: meshsim}
spec:
  completionMode: Indexed
  completions: ${o.shards}
  parallelism: ${o.parallelism}
  backoffLimit: 6
  template:
    metadata:
      labels: {app.kubernetes.io/name: meshsim}
      annotations: {sidecar.istio.io/inject: "false"}
    spec:
      restartPolicy: Never
      # The image runs as the node user (uid 1000): fsGroup lets it write the shard files to the volume.
      securityContext: {runAsUser: 1000, fsGroup: 1000}
      containers:
        - name: meshsim
          image: ${o.image}
          workingDir: /work
          command: [meshsim, sweep, ${JSON.stringify(o.sweepPath)}, --format, json, --no-progress, --out, "/results/shard-{shard}.json"${o.simulateMisconfig ? ', --simulate-misconfig' : ''}${o.istioVersion !== undefined ? `, --istio-version, "${o.istioVersion}"` : ''}]
          env:
            - name: MESHSIM_SHARDS
              value: "${o.shards}"
          resources:
            requests: {cpu: "2", memory: 1Gi}
          volumeMounts:
            - {name: results, mountPath: /results}
      volumes:
        - name: results
          persistentVolumeClaim: {claimName: ${o.claim}}
`;
}
