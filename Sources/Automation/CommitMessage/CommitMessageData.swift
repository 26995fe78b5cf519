public import Template

/// Flux's commit message data model (`source.TemplateData`), built from a change list.
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
        public init(file: String, apiVersion: String, kind: String, namespace: String, name: String,
                    oldValue: String, newValue: String, setter: String) {
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

    static let removedUpdatedMessage = "template uses removed '.Updated' field. Please use '.Changed' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template"
    static let removedImageResultMessage = "template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template"

    /// Fields Flux removed from its data model, as paths from the root, with Flux's messages.
    static let removedRootFields: [[String]: String] = [
        ["Updated"]: removedUpdatedMessage, ["Changed", "ImageResult"]: removedImageResultMessage,
    ]

    /// Flux's behaviour for `spec.git.commit.messageTemplate`: an empty or absent template
    /// means `defaultCommitMessage`; reading a removed field is an error with Flux's message.
    public static func template(forSpec template: String?) throws(TemplateError) -> MessageTemplate {
        let text = template ?? ""
        return try MessageTemplate(text.isEmpty ? defaultCommitMessage : text, removedRootFields: removedRootFields)
    }

    /// The root value templates see (`.AutomationObject`, `.Changed`, `.Values`).
    public var templateValue: TemplateValue

    /// Builds the data model.
    public init(automationNamespace: String, automationName: String, changes: [Change], values: [String: String]) {
        let automation = TemplateRecord(
            typeName: "types.NamespacedName",
            fields: ["Namespace": .string(automationNamespace), "Name": .string(automationName)],
            fieldOrder: ["Namespace", "Name"],
            stringValue: automationNamespace + "/" + automationName)

        var fileChanges: [TemplateValue: [TemplateValue: [TemplateValue]]] = [:]
        var objectOrder: [TemplateValue] = []
        var objects: [TemplateValue: [TemplateValue]] = [:]
        var unique: [TemplateValue] = []
        var seen: Set<TemplateValue> = []
        for c in changes {
            let id = Self.objectIdentifier(c)
            let change = TemplateValue.record(TemplateRecord(
                typeName: "update.Change",
                fields: ["OldValue": .string(c.oldValue), "NewValue": .string(c.newValue), "Setter": .string(c.setter)],
                fieldOrder: ["OldValue", "NewValue", "Setter"]))
            fileChanges[.string(c.file), default: [:]][id, default: []].append(change)
            if objects[id] == nil { objectOrder.append(id) }
            objects[id, default: []].append(change)
            if seen.insert(change).inserted { unique.append(change) }
        }
        let fileMap = TemplateValue.map(fileChanges.mapValues { .map($0.mapValues { .list($0) }) })
        let result = TemplateRecord(
            typeName: "update.Result",
            fields: ["FileChanges": fileMap, "Objects": .map(objects.mapValues { .list($0) }), "Changes": .list(unique)],
            fieldOrder: ["FileChanges"], removedFields: ["ImageResult": Self.removedImageResultMessage])
        var valueMap: [TemplateValue: TemplateValue] = [:]
        for (k, v) in values { valueMap[.string(k)] = .string(v) }
        templateValue = .record(TemplateRecord(
            typeName: "source.TemplateData",
            fields: ["AutomationObject": .record(automation), "Changed": .record(result), "Values": .map(valueMap)],
            fieldOrder: ["AutomationObject", "Changed", "Values"], removedFields: ["Updated": Self.removedUpdatedMessage]))
    }

    /// `update.ObjectIdentifier` (embeds kyaml `ResourceIdentifier`); prints like Go's nested struct.
    static func objectIdentifier(_ c: Change) -> TemplateValue {
        .record(TemplateRecord(
            typeName: "update.ObjectIdentifier",
            fields: ["APIVersion": .string(c.apiVersion), "Kind": .string(c.kind), "Name": .string(c.name), "Namespace": .string(c.namespace)],
            fieldOrder: ["APIVersion", "Kind", "Name", "Namespace"],
            stringValue: "{{{\(c.apiVersion) \(c.kind)} {\(c.name) \(c.namespace)}}}"))
    }
}
