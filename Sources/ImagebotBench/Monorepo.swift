import TestSupport

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Writes a GitOps monorepo of `files` YAML files under `root`: clusters/<env>/<team>/<app>/
/// with Deployments, Services, HelmReleases, Kustomizations and plain config, about
/// `markedPerMille`‰ of them carrying `$imagepolicy` markers naming `flux-system:app-0` …
/// `flux-system:app-<policies - 1>`. Deterministic for given arguments.
func writeMonorepo(at root: String, files: Int, policies: Int = 50, markedPerMille: Int = 150) throws -> String {
    var rng = SplitMix(seed: 10_000)
    var marked = 0
    let manager = FileManager.default
    for index in 0..<files {
        let environment = ["dev", "staging", "prod"][index % 3]
        let team = "team-\(index / 300)"
        let app = "app-\(index / 6)"
        let directory = "\(root)/clusters/\(environment)/\(team)/\(app)"
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let policy = Int.random(in: 0..<policies, using: &rng)
        let hasMarker = Int.random(in: 0..<1000, using: &rng) < markedPerMille
        if hasMarker { marked += 1 }
        let body: String
        let name: String
        switch index % 6 {
        case 0, 1:
            name = "deployment-\(index).yaml"
            body = deployment(app: app, index: index, policy: policy, marked: hasMarker, rng: &rng)
        case 2:
            name = "helmrelease-\(index).yaml"
            body = helmRelease(app: app, index: index, policy: policy, marked: hasMarker)
        case 3:
            name = "kustomization-\(index).yaml"
            body = kustomization(app: app, policy: policy, marked: hasMarker)
        case 4:
            name = "service-\(index).yaml"
            body = service(app: app, index: index, marked: hasMarker, policy: policy)
        default:
            name = "config-\(index).yml"
            body = config(app: app, index: index, marked: hasMarker, policy: policy, rng: &rng)
        }
        try Data(body.utf8).write(to: URL(fileURLWithPath: "\(directory)/\(name)"))
    }
    return "wrote \(files) files (\(marked) with markers) under \(root)"
}

private func image(_ policy: Int) -> String { "registry.example.com/platform/app-\(policy)" }

private func marker(_ policy: Int, _ suffix: String = "") -> String {
    #"# {"$imagepolicy": "flux-system:app-\#(policy)\#(suffix)"}"#
}

private func deployment(app: String, index: Int, policy: Int, marked: Bool, rng: inout SplitMix) -> String {
    let env = (0..<Int.random(in: 2...12, using: &rng)).map {
        "            - name: SETTING_\($0)\n              value: \"value-\($0)-\(index)\""
    }
    .joined(separator: "\n")
    return """
        # Deployment for \(app); owned by the platform team.
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: \(app)-\(index)
          namespace: \(app)
          labels:
            app.kubernetes.io/name: \(app)
            app.kubernetes.io/part-of: shop
        spec:
          replicas: \(index % 5 + 1)
          selector:
            matchLabels:
              app.kubernetes.io/name: \(app)
          template:
            metadata:
              labels:
                app.kubernetes.io/name: \(app)
            spec:
              containers:
                - name: main
                  image: \(image(policy)):1.\(index % 9).0 \(marked ? marker(policy) : "")
                  ports:
                    - containerPort: 8080
                  env:
        \(env)
                  resources:
                    requests:
                      cpu: 100m
                      memory: 128Mi
                - name: sidecar
                  image: registry.example.com/platform/proxy:2.4.1

        """
}

private func helmRelease(app: String, index: Int, policy: Int, marked: Bool) -> String {
    """
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata:
      name: \(app)-\(index)
      namespace: flux-system
    spec:
      interval: 10m
      chart:
        spec:
          chart: generic-app
          version: "3.2.x"
          sourceRef:
            kind: HelmRepository
            name: charts
      values:
        image:
          repository: \(image(policy)) \(marked ? marker(policy, ":name") : "")
          tag: 1.\(index % 9).0 \(marked ? marker(policy, ":tag") : "")
        replicaCount: 2
        ingress:
          enabled: true
          hosts:
            - host: \(app).example.com
              paths: ["/"]

    """
}

private func kustomization(app: String, policy: Int, marked: Bool) -> String {
    """
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    resources:
      - deployment.yaml
      - service.yaml
    images:
      - name: \(app)
        newName: \(image(policy)) \(marked ? marker(policy, ":name") : "")
        newTag: 1.0.0 \(marked ? marker(policy, ":tag") : "")
    patches:
      - target:
          kind: Deployment
        patch: |
          - op: replace
            path: /spec/replicas
            value: 3

    """
}

private func service(app: String, index: Int, marked: Bool, policy: Int) -> String {
    """
    apiVersion: v1
    kind: Service
    metadata:
      name: \(app)-\(index)
      annotations:
        build/image: "\(image(policy)):1.0.0" \(marked ? marker(policy) : "")
    spec:
      selector:
        app.kubernetes.io/name: \(app)
      ports:
        - port: 80
          targetPort: 8080

    """
}

private func config(app: String, index: Int, marked: Bool, policy: Int, rng: inout SplitMix) -> String {
    let lines = (0..<Int.random(in: 5...40, using: &rng)).map { "  key\($0): 'value \($0) for \(app)'" }.joined(
        separator: "\n")
    return """
        # Plain configuration, not a Kubernetes object.
        service: \(app)
        image: \(image(policy)):0.\(index % 7).1 \(marked ? marker(policy) : "")

        settings:
        \(lines)

        """
}
