public import Template

/// Flux's commit message data model (`source.TemplateData`), built from a change list.
///
/// Go types as Flux declares them: `.AutomationObject` is a `types.NamespacedName`, maps are
/// typed (`.Values` a `map[string]string`, nil when `messageTemplateValues` is absent), object
/// identifiers embed kyaml's `ResourceIdentifier`. Strings compare and sort by bytes, so two
/// objects whose names differ only in Unicode normalisation stay apart.
///
/// Orders (documented deviations from Flux, where Go map iteration makes them random):
/// `.Changed.Changes` lists de-duplicated changes in first-seen order of `changes`;
/// `.Changed.Objects` concatenates an object's changes across files in the order of `changes`
/// (Flux keeps only one file's list for an object that appears in several files).
public struct CommitMessageData: Sendable {
    /// One field rewrite made by a setter.
    public struct Change: Sendable, Hashable {
        /// File path relative to the update path.
        public var file: String
        /// Object `apiVersion` (may be empty).
        public var apiVersion: String
        /// Object `kind` (may be empty).
        public var kind: String
        /// Object namespace (may be empty).
        public var namespace: String
        /// Object name (may be empty).
        public var name: String
        /// Field value before the update.
        public var oldValue: String
        /// Field value after the update.
        public var newValue: String
        /// Marker value that caused the change, e.g. `flux-system:podinfo:tag`.
        public var setter: String

        /// Creates a change.
        public init(
            file: String, apiVersion: String, kind: String, namespace: String, name: String,
            oldValue: String, newValue: String, setter: String
        ) {
            self.file = file
            self.apiVersion = apiVersion
            self.kind = kind
            self.namespace = namespace
            self.name = name
            self.oldValue = oldValue
            self.newValue = newValue
            self.setter = setter
        }
    }

    /// Flux's commit message when `messageTemplate` is empty.
    public static let defaultCommitMessage = "Update from image update automation"

    static let removedUpdatedMessage =
        "template uses removed '.Updated' field. Please use '.Changed' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template"
    static let removedImageResultMessage =
        "template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template"

    /// Flux's behaviour for `spec.git.commit.messageTemplate`: an empty or absent template
    /// means `defaultCommitMessage`. Reading a removed field (`.Updated`,
    /// `.Changed.ImageResult`) fails when executed, with Flux's message (`.removedField`).
    public static func template(forSpec template: String?) throws(TemplateError) -> MessageTemplate {
        let text = template ?? ""
        return try MessageTemplate(text.isEmpty ? defaultCommitMessage : text, name: "commit message")
    }

    /// The root value templates see (`.AutomationObject`, `.Changed`, `.Values`).
    public var templateValue: TemplateValue

    /// Builds the data model; `values` nil is an absent `messageTemplateValues` (Go's nil map:
    /// `toJson .Values` is `null`).
    public init(automationNamespace: String, automationName: String, changes: [Change], values: [String: String]?) {
        let automation = Self.namespacedName(namespace: automationNamespace, name: automationName)
        var fileChanges: [TemplateValue: [TemplateValue: [TemplateValue]]] = [:]
        var objects: [TemplateValue: [TemplateValue]] = [:]
        var unique: [TemplateValue] = []
        var seen: Set<TemplateValue> = []
        for c in changes {
            let id = Self.objectIdentifier(c)
            let change = TemplateValue.record(
                TemplateRecord(
                    typeName: "update.Change",
                    fields: [
                        "OldValue": .string(c.oldValue), "NewValue": .string(c.newValue), "Setter": .string(c.setter),
                    ],
                    fieldOrder: ["OldValue", "NewValue", "Setter"]))
            fileChanges[.string(c.file), default: [:]][id, default: []].append(change)
            objects[id, default: []].append(change)
            if seen.insert(change).inserted { unique.append(change) }
        }
        let fileMap = TemplateValue.typedMap(
            TypedMap(
                typeName: "map[string]update.ObjectChanges", keyType: "string", elementType: "update.ObjectChanges",
                elementZero: Self.objectChanges(nil), entries: fileChanges.mapValues { Self.objectChanges($0) }))
        let result = TemplateRecord(
            typeName: "update.Result",
            fields: ["FileChanges": fileMap, "Objects": Self.objectChanges(objects), "Changes": .list(unique)],
            fieldOrder: ["FileChanges"], removedFields: ["ImageResult": Self.removedImageResultMessage])
        var valueMap: [TemplateValue: TemplateValue]? = nil
        if let values {
            var m: [TemplateValue: TemplateValue] = [:]
            for (k, v) in values { m[.string(k)] = .string(v) }
            valueMap = m
        }
        let valuesValue = TemplateValue.typedMap(
            TypedMap(
                typeName: "map[string]string", keyType: "string", elementType: "string", elementZero: .string(""),
                entries: valueMap))
        templateValue = .record(
            TemplateRecord(
                typeName: "source.TemplateData",
                fields: ["AutomationObject": automation, "Changed": .record(result), "Values": valuesValue],
                fieldOrder: ["AutomationObject", "Changed", "Values"],
                removedFields: ["Updated": Self.removedUpdatedMessage]))
    }

    /// `update.ObjectChanges` (`map[ObjectIdentifier][]Change`); nil entries is a nil map.
    static func objectChanges(_ entries: [TemplateValue: [TemplateValue]]?) -> TemplateValue {
        .typedMap(
            TypedMap(
                typeName: "update.ObjectChanges", keyType: "update.ObjectIdentifier", elementType: "[]update.Change",
                elementZero: .list([]), entries: entries?.mapValues { .list($0) }))
    }

    /// `types.NamespacedName` with its `String` and `MarshalLog` methods.
    static func namespacedName(namespace: String, name: String) -> TemplateValue {
        let logValue = TemplateRecord(
            typeName: #"struct { Name string "json:\"name\""; Namespace string "json:\"namespace,omitempty\"" }"#,
            fields: ["Name": .string(name), "Namespace": .string(namespace)], fieldOrder: ["Name", "Namespace"],
            jsonTags: ["Name": "name", "Namespace": "namespace,omitempty"])
        return .record(
            TemplateRecord(
                typeName: "types.NamespacedName",
                fields: [
                    "Namespace": .string(namespace), "Name": .string(name),
                    "String": .string(namespace + "/" + name), "MarshalLog": .record(logValue),
                ],
                fieldOrder: ["Namespace", "Name"],
                stringValue: namespace + "/" + name))
    }

    /// `update.ObjectIdentifier`: embeds kyaml's `ResourceIdentifier{TypeMeta, NameMeta}`, whose
    /// fields are promoted (`.Kind`, `.Name`, ...) and inlined in JSON (`omitempty` tags).
    static func objectIdentifier(_ c: Change) -> TemplateValue {
        let typeMeta = TemplateRecord(
            typeName: "yaml.TypeMeta",
            fields: ["APIVersion": .string(c.apiVersion), "Kind": .string(c.kind)], fieldOrder: ["APIVersion", "Kind"],
            jsonTags: ["APIVersion": "apiVersion,omitempty", "Kind": "kind,omitempty"])
        let nameMeta = TemplateRecord(
            typeName: "yaml.NameMeta",
            fields: ["Name": .string(c.name), "Namespace": .string(c.namespace)], fieldOrder: ["Name", "Namespace"],
            jsonTags: ["Name": "name,omitempty", "Namespace": "namespace,omitempty"])
        let promoted: [String: TemplateValue] = [
            "APIVersion": .string(c.apiVersion), "Kind": .string(c.kind), "Name": .string(c.name),
            "Namespace": .string(c.namespace),
        ]
        let resourceIdentifier = TemplateRecord(
            typeName: "yaml.ResourceIdentifier",
            fields: promoted.merging(["TypeMeta": .record(typeMeta), "NameMeta": .record(nameMeta)]) { a, _ in a },
            fieldOrder: ["TypeMeta", "NameMeta"],
            jsonTags: ["TypeMeta": ",inline", "NameMeta": ",inline"], embedded: ["TypeMeta", "NameMeta"])
        return .record(
            TemplateRecord(
                typeName: "update.ObjectIdentifier",
                fields: promoted.merging([
                    "ResourceIdentifier": .record(resourceIdentifier), "TypeMeta": .record(typeMeta),
                    "NameMeta": .record(nameMeta),
                ]) { a, _ in a },
                fieldOrder: ["ResourceIdentifier"], embedded: ["ResourceIdentifier"]))
    }
}
