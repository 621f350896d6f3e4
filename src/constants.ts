/** Input names, as declared in action.yml. */
export const Input = {
  AppId: 'app-id',
  PythonVersion: 'python-version',
  PythonSourceUrl: 'python-source-url',
  AppPath: 'app-path',
  Entrypoint: 'entrypoint',
  Command: 'command',
  Requirements: 'requirements',
  BuildNetwork: 'build-network',
  PipIndexUrl: 'pip-index-url',
  PipExtraIndexUrl: 'pip-extra-index-url',
  Runtime: 'runtime',
  RuntimeVersion: 'runtime-version',
  Sdk: 'sdk',
  RemoteName: 'remote-name',
  RemoteUrl: 'remote-url',
  FinishArgs: 'finish-args',
  Arch: 'arch',
  Branch: 'branch',
  ManifestPath: 'manifest-path',
  BuildDir: 'build-dir',
  Bundle: 'bundle',
  SmokeArgs: 'smoke-args',
  SmokeExpect: 'smoke-expect',
  SmokeTimeout: 'smoke-timeout',
  Cache: 'cache',
  CacheKeyPrefix: 'cache-key-prefix',
  SaveCache: 'save-cache',
  UploadArtifact: 'upload-artifact',
  ArtifactName: 'artifact-name',
  RetentionDays: 'retention-days'
} as const

/** Output names, as declared in action.yml. */
export const Output = {
  BundlePath: 'bundle-path',
  ManifestPath: 'manifest-path',
  RepoPath: 'repo-path',
  RequirementsManifestPath: 'requirements-manifest-path',
  RequirementsLockPath: 'requirements-lock-path',
  PythonVersion: 'python-version',
  CacheHit: 'cache-hit',
  CacheMatchedKey: 'cache-matched-key',
  CacheKey: 'cache-key',
  CacheSize: 'cache-size',
  ArtifactId: 'artifact-id',
  ArtifactUrl: 'artifact-url'
} as const
