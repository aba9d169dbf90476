#include <catch2/catch.hpp>
#include <mlci/deploy/yaml_image_edit.hpp>
#include <string>

using namespace mlci;
using namespace mlci::deploy;

namespace {

const std::string k_edit_digest =
    "sha256:1111111111111111111111111111111111111111111111111111111111111111";
const std::string k_old = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

YamlPinResult pin(const std::string& text, const std::string& repository,
                  const std::string& values_key = "") {
    auto r = pin_image_in_yaml(text, ImagePin{repository, k_edit_digest}, values_key, "f.yaml");
    REQUIRE(r);
    return *r;
}

} // namespace

TEST_CASE("yaml: a Deployment's matching containers are pinned, every other byte kept",
          "[deploy][gitops][yaml_image_edit]") {
    const std::string text = R"(# the iris model, served
apiVersion: apps/v1
kind: Deployment
metadata:
  name: iris   # keep me
spec:
  replicas: 2
  template:
    spec:
      initContainers:
        - name: warm
          image: "registry.example.com/team/iris:1.0"   # quoted
      containers:
        - name: serve
          image: registry.example.com/team/iris:1.0 # pinned by mlci
          args: ["--port",   "8080"]
        - name: sidecar
          image: registry.example.com/team/iris-proxy:1.0
        - {name: flow, image: 'registry.example.com/team/iris@sha256:abc'}
)";
    auto r = pin(text, "registry.example.com/team/iris");
    CHECK(r.matches == 3);
    CHECK(r.changed);
    CHECK(r.previous_image == "registry.example.com/team/iris:1.0");
    const std::string ref = "registry.example.com/team/iris@" + k_edit_digest;
    CHECK(r.text == R"(# the iris model, served
apiVersion: apps/v1
kind: Deployment
metadata:
  name: iris   # keep me
spec:
  replicas: 2
  template:
    spec:
      initContainers:
        - name: warm
          image: ")" + ref +
                        R"("   # quoted
      containers:
        - name: serve
          image: )" + ref +
                        R"( # pinned by mlci
          args: ["--port",   "8080"]
        - name: sidecar
          image: registry.example.com/team/iris-proxy:1.0
        - {name: flow, image: ')" +
                        ref + R"('}
)");

    // Pinning again changes nothing and reports the digest that is there.
    auto again = pin(r.text, "registry.example.com/team/iris");
    CHECK(again.matches == 3);
    CHECK_FALSE(again.changed);
    CHECK(again.text == r.text);
    CHECK(again.previous_image == ref);
}

TEST_CASE("yaml: a registry with a port and every document of a multi-document file",
          "[deploy][gitops][yaml_image_edit]") {
    const std::string text = "apiVersion: v1\nkind: Service\nmetadata: {name: iris}\n"
                             "spec:\n  ports: [{port: 80}]\n"
                             "---\n# a comment between documents: ü, é\n"
                             "apiVersion: apps/v1\nkind: StatefulSet\nspec:\n  template:\n"
                             "    spec:\n      containers:\n"
                             "      - image: localhost:5000/iris:2\n"
                             "      - image: localhost:5000/iris-extra:2\n"
                             "---\n"
                             "apiVersion: batch/v1\nkind: CronJob\nspec:\n  jobTemplate:\n"
                             "    spec:\n      template:\n        spec:\n          containers:\n"
                             "          - name: batch\n            image: localhost:5000/iris\n"
                             "...\n";
    auto r = pin(text, "localhost:5000/iris");
    CHECK(r.matches == 2);
    CHECK(r.previous_image == "localhost:5000/iris:2");
    std::string want = text;
    auto replace = [&](const std::string& from, const std::string& to) {
        auto at = want.find(from);
        REQUIRE(at != std::string::npos);
        want.replace(at, from.size(), to);
    };
    replace("image: localhost:5000/iris:2\n", "image: localhost:5000/iris@" + k_edit_digest + "\n");
    replace("image: localhost:5000/iris\n", "image: localhost:5000/iris@" + k_edit_digest + "\n");
    CHECK(r.text == want);
    // The registry alone is no repository.
    CHECK(pin(text, "localhost:5000").matches == 0);
    CHECK(pin(text, "localhost").matches == 0);
}

TEST_CASE("yaml: kustomization images get a digest in place of newTag",
          "[deploy][gitops][yaml_image_edit]") {
    const std::string text = R"(apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
images:
  # the model server
  - name: registry.example.com/team/iris
    newTag: "1.0"   # bumped by CI
  - name: other
    newTag: v3
)";
    auto r = pin(text, "registry.example.com/team/iris");
    CHECK(r.matches == 1);
    CHECK(r.previous_image == "registry.example.com/team/iris:1.0");
    CHECK(r.text == R"(apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
images:
  # the model server
  - name: registry.example.com/team/iris
    digest: )" + k_edit_digest +
                        R"(   # bumped by CI
  - name: other
    newTag: v3
)");
    auto again = pin(r.text, "registry.example.com/team/iris");
    CHECK_FALSE(again.changed);
    CHECK(again.previous_image == "registry.example.com/team/iris@" + k_edit_digest);
}

TEST_CASE("yaml: kustomization digest added, updated, newName matched, flow style",
          "[deploy][gitops][yaml_image_edit]") {
    // No kind (older kustomizations), an entry without tag, one renamed.
    const std::string text = "images:\n"
                             "- name: iris\n"
                             "  newName: localhost:5000/iris\n"
                             "- name: localhost:5000/iris\n"
                             "  newName: elsewhere/iris\n"
                             "- newTag: old\n"
                             "  digest: " +
                             k_old +
                             "\n"
                             "  name: localhost:5000/iris\n"
                             "- {name: localhost:5000/iris, newTag: \"1\"}\n"
                             "- {name: localhost:5000/iris}\n";
    auto r = pin(text, "localhost:5000/iris");
    CHECK(r.matches == 4);
    CHECK(r.previous_image == "localhost:5000/iris");
    CHECK(r.text == "images:\n"
                    "- name: iris\n"
                    "  newName: localhost:5000/iris\n"
                    "  digest: " +
                        k_edit_digest +
                        "\n"
                        "- name: localhost:5000/iris\n"
                        "  newName: elsewhere/iris\n"
                        "- \n"
                        "  digest: " +
                        k_edit_digest +
                        "\n"
                        "  name: localhost:5000/iris\n"
                        "- {name: localhost:5000/iris, digest: " +
                        k_edit_digest +
                        "}\n"
                        "- {name: localhost:5000/iris, digest: " +
                        k_edit_digest + "}\n");
    auto again = pin(r.text, "localhost:5000/iris");
    CHECK(again.matches == 4);
    CHECK_FALSE(again.changed);
}

TEST_CASE("yaml: Helm values get a digest next to the tag", "[deploy][gitops][yaml_image_edit]") {
    const std::string text = R"(replicaCount: 1
image:
  repository: registry.example.com/team/iris
  tag: "1.0"  # the tag stays: charts render REPO:TAG@DIGEST
  pullPolicy: IfNotPresent
model:
  image:
    registry: registry.example.com
    repository: team/iris
    digest: ""
  other:
    repository: registry.example.com/team/iris-proxy
)";
    auto r = pin(text, "registry.example.com/team/iris");
    CHECK(r.matches == 2);
    CHECK(r.previous_image == "registry.example.com/team/iris:1.0");
    CHECK(r.text == R"(replicaCount: 1
image:
  repository: registry.example.com/team/iris
  tag: "1.0"  # the tag stays: charts render REPO:TAG@DIGEST
  digest: )" + k_edit_digest +
                        R"(
  pullPolicy: IfNotPresent
model:
  image:
    registry: registry.example.com
    repository: team/iris
    digest: ")" + k_edit_digest +
                        R"("
  other:
    repository: registry.example.com/team/iris-proxy
)");
    CHECK_FALSE(pin(r.text, "registry.example.com/team/iris").changed);

    // A values key picks one block only.
    auto keyed = pin(text, "registry.example.com/team/iris", "model.image");
    CHECK(keyed.matches == 1);
    CHECK(keyed.previous_image == "registry.example.com/team/iris");
    CHECK(keyed.text.find("  tag: \"1.0\"  # the tag stays: charts render REPO:TAG@DIGEST\n"
                          "  pullPolicy") != std::string::npos);
    CHECK(keyed.text.find("    digest: \"" + k_edit_digest + "\"\n") != std::string::npos);
    CHECK(pin(text, "registry.example.com/team/iris", "nothing.here").matches == 0);

    // A scalar at the values key is an image reference; no trailing newline.
    auto scalar = pin("server:\n  image: iris:1 # c", "iris", "server.image");
    CHECK(scalar.text == "server:\n  image: iris@" + k_edit_digest + " # c");
    // A null digest is filled in; an entry added at the end of a file without newline.
    CHECK(pin("image:\n  repository: iris\n  digest:\n", "iris").text ==
          "image:\n  repository: iris\n  digest: " + k_edit_digest + "\n");
    // Windows line endings stay Windows line endings.
    CHECK(pin("image:\r\n  repository: iris\r\n  tag: x\r\n", "iris").text ==
          "image:\r\n  repository: iris\r\n  tag: x\r\n  digest: " + k_edit_digest + "\r\n");
    CHECK(pin("image:\n  repository: iris", "iris").text ==
          "image:\n  repository: iris\n  digest: " + k_edit_digest);
}

TEST_CASE("yaml: a byte order mark, anchors and aliases", "[deploy][gitops][yaml_image_edit]") {
    CHECK(pin("\xEF\xBB\xBFkind: Pod\nspec:\n  containers:\n  - image: iris:1\n", "iris").text ==
          "\xEF\xBB\xBFkind: Pod\nspec:\n  containers:\n  - image: iris@" + k_edit_digest + "\n");
    auto anchored = pin("kind: Pod\nx: &img iris:1\nspec:\n  containers:\n  - image: *img\n"
                        "  - image: !!str iris:2\n",
                        "iris");
    CHECK(anchored.matches == 2);
    CHECK(anchored.text == "kind: Pod\nx: &img iris@" + k_edit_digest +
                               "\nspec:\n  containers:\n  - image: *img\n  - image: !!str iris@" +
                               k_edit_digest + "\n");
}

TEST_CASE("yaml: nothing matching, malformed text, scalars that cannot be edited",
          "[deploy][gitops][yaml_image_edit]") {
    auto none =
        pin("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx:1\n", "iris");
    CHECK(none.matches == 0);
    CHECK_FALSE(none.changed);

    auto bad =
        pin_image_in_yaml("a: [1, 2\nb: c\n", ImagePin{"iris", k_edit_digest}, "", "bad.yaml");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == Exit::usage);
    CHECK(bad.error().message.find("bad.yaml") != std::string::npos);

    auto block = pin_image_in_yaml("kind: Pod\nspec:\n  containers:\n  - image: >-\n      iris:1\n",
                                   ImagePin{"iris", k_edit_digest}, "", "block.yaml");
    REQUIRE_FALSE(block);
    CHECK(block.error().message.find("block.yaml:") != std::string::npos);

    // A NUL byte (found by fuzz_yaml_image_edit): yaml-cpp stops reading at
    // it, so the file is refused rather than edited from half of it.
    std::string nul = "kind: Pod\nspec:\n  containers:\n  - image: iris@" + k_old.substr(0, 30) +
                      std::string("\0\x02", 2) + k_old.substr(30) + "\n";
    // A repeated key in a mapping to edit (found by fuzzing too): refused.
    auto twice = pin_image_in_yaml("kind: Kustomization\nimages:\n  - name: iris\n    newTag: "
                                   "\"1\"\n    newTag: \"2\"\n",
                                   ImagePin{"iris", k_edit_digest}, "", "twice.yaml");
    REQUIRE_FALSE(twice);
    CHECK(twice.error().message == "cannot edit 'twice.yaml:3': the key 'newTag' is repeated");
    // Latin-1 (found by fuzzing): yaml-cpp's positions would drift from the file's.
    auto latin1 = pin_image_in_yaml("# caf\xe9\nkind: Pod\nspec:\n  containers:\n  - image: iris\n",
                                    ImagePin{"iris", k_edit_digest}, "", "latin1.yaml");
    REQUIRE_FALSE(latin1);
    CHECK(latin1.error().message == "latin1.yaml:1: malformed YAML: a byte that is not UTF-8");
    auto with_nul = pin_image_in_yaml(nul, ImagePin{"iris", k_edit_digest}, "", "nul.yaml");
    REQUIRE_FALSE(with_nul);
    CHECK(with_nul.error().message.find("nul.yaml:4: malformed YAML: a NUL byte") !=
          std::string::npos);
}

TEST_CASE("yaml: a KServe InferenceService's oci:// storageUri is pinned, a URI kept a URI",
          "[deploy][gitops][yaml_image_edit]") {
    const std::string text = R"(apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: iris
spec:
  predictor:
    model:
      modelFormat:
        name: sklearn
      storageUri: oci://localhost:5000/team/iris:v1   # a modelcar
  transformer:
    containers:
      - name: pre
        image: localhost:5000/team/iris-pre:1
  explainer:
    storageUri: "oci://localhost:5000/team/iris@)" +
                             k_old + R"("
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: other
spec:
  predictor:
    model:
      storageUri: oci://localhost:5000/team/iris-v2:v1
    sklearn:
      storageUri: s3://models/iris
)";
    auto r = pin(text, "localhost:5000/team/iris");
    CHECK(r.matches == 2);
    CHECK(r.changed);
    CHECK(r.previous_image == "localhost:5000/team/iris:v1");
    auto expected = text;
    auto swap = [&](const std::string& from, const std::string& to) {
        auto at = expected.find(from);
        REQUIRE(at != std::string::npos);
        expected.replace(at, from.size(), to);
    };
    swap("oci://localhost:5000/team/iris:v1", "oci://localhost:5000/team/iris@" + k_edit_digest);
    swap("oci://localhost:5000/team/iris@" + k_old,
         "oci://localhost:5000/team/iris@" + k_edit_digest);
    CHECK(r.text == expected);
    // Pinned already: nothing to change.
    auto again = pin(r.text, "localhost:5000/team/iris");
    CHECK(again.matches == 2);
    CHECK_FALSE(again.changed);
    // Helm values name the URI by its key.
    auto values = pin("predictor:\n  storageUri: oci://localhost:5000/team/iris:v1\n",
                      "localhost:5000/team/iris", "predictor.storageUri");
    CHECK(values.text ==
          "predictor:\n  storageUri: oci://localhost:5000/team/iris@" + k_edit_digest + "\n");
}
