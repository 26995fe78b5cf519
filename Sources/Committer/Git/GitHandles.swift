internal import CGit2

#if canImport(Glibc)
import Glibc
#endif

// One owning final class per libgit2 object, freed in deinit; children retain their parents so a
// repository can never be freed before the objects read from it. None of these are Sendable:
// libgit2 objects are confined to the thread that uses them (docs/threading.md).

/// An open repository (`git_repository *`).
final class RepositoryHandle {
    let pointer: OpaquePointer

    /// Opens the bare repository at `path`, creating it if it does not exist yet.
    init(bareAt path: String, context: ErrorContext) throws(GitError) {
        ensureLibgit2()
        var out: OpaquePointer?
        var rc = git_repository_open_bare(&out, path)
        if rc == GIT_ENOTFOUND.rawValue {
            out = nil
            rc = git_repository_init(&out, path, 1)
            try check(rc, "git_repository_init", context, what: "creating cache for")
        } else {
            try check(rc, "git_repository_open_bare", context, what: "opening cache for")
        }
        guard let out else {
            throw GitError(
                code: .libgit2, message: "opening cache: libgit2 returned no repository",
                function: "git_repository_open_bare")
        }
        pointer = out
    }

    deinit { git_repository_free(pointer) }
}

/// A `git_object *` (commit, tree, blob or tag), owned.
final class ObjectHandle {
    let repository: RepositoryHandle
    let pointer: OpaquePointer

    init(repository: RepositoryHandle, pointer: OpaquePointer) {
        self.repository = repository
        self.pointer = pointer
    }

    /// Looks up an object by id and type.
    static func lookup(
        _ repository: RepositoryHandle, _ oid: git_oid, _ type: git_object_t, _ context: ErrorContext, what: String
    ) throws(GitError) -> ObjectHandle {
        var oid = oid
        var out: OpaquePointer?
        try check(git_object_lookup(&out, repository.pointer, &oid, type), "git_object_lookup", context, what: what)
        guard let out else {
            throw GitError(code: .notFound, message: "\(what): object not found", function: "git_object_lookup")
        }
        return ObjectHandle(repository: repository, pointer: out)
    }

    /// Peels to the given type (e.g. a tag to its commit).
    func peel(_ type: git_object_t, _ context: ErrorContext, what: String) throws(GitError) -> ObjectHandle {
        var out: OpaquePointer?
        try check(git_object_peel(&out, pointer, type), "git_object_peel", context, what: what)
        guard let out else {
            throw GitError(code: .notFound, message: "\(what): cannot peel", function: "git_object_peel")
        }
        return ObjectHandle(repository: repository, pointer: out)
    }

    var id: git_oid { git_object_id(pointer).pointee }

    deinit { git_object_free(pointer) }
}

/// A `git_tree_entry *` that we own (from `git_tree_entry_bypath`), retaining its tree.
final class TreeEntryHandle {
    let tree: ObjectHandle
    let pointer: OpaquePointer

    init(tree: ObjectHandle, pointer: OpaquePointer) {
        self.tree = tree
        self.pointer = pointer
    }

    deinit { git_tree_entry_free(pointer) }
}

/// A `git_signature *`, owned.
final class SignatureHandle {
    let pointer: UnsafeMutablePointer<git_signature>

    init(_ signature: GitSignature, context: ErrorContext) throws(GitError) {
        var out: UnsafeMutablePointer<git_signature>?
        try check(
            git_signature_new(
                &out, signature.name, signature.email, git_time_t(signature.time), Int32(signature.offsetMinutes)),
            "git_signature_new", context, what: "building signature for")
        guard let out else {
            throw GitError(code: .invalidArgument, message: "invalid signature", function: "git_signature_new")
        }
        pointer = out
    }

    deinit { git_signature_free(pointer) }
}

/// A `git_remote *`, owned; retains its repository.
final class RemoteHandle {
    let repository: RepositoryHandle
    let pointer: OpaquePointer

    /// Creates an anonymous in-memory remote (no config written). `url.*.insteadOf` rewriting
    /// is skipped: the URL is the GitRepository's, not whatever a user-level git config maps it
    /// to, and libgit2 1.5 leaks PCRE2 match data (about 17 KiB) for every config entry its
    /// insteadOf regex does not match — a daemon lost ~500 KiB per automation run to it.
    init(repository: RepositoryHandle, url: String, context: ErrorContext) throws(GitError) {
        var out: OpaquePointer?
        var options = git_remote_create_options()
        try check(
            git_remote_create_options_init(&options, UInt32(GIT_REMOTE_CREATE_OPTIONS_VERSION)),
            "git_remote_create_options_init", context, what: "preparing remote")
        options.repository = repository.pointer
        options.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF.rawValue | GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC.rawValue
        try check(
            git_remote_create_with_opts(&out, url, &options), "git_remote_create_with_opts", context,
            what: "preparing remote")
        guard let out else {
            throw GitError(
                code: .libgit2, message: "preparing remote: no remote returned", function: "git_remote_create_with_opts"
            )
        }
        self.repository = repository
        self.pointer = out
    }

    deinit {
        git_remote_disconnect(pointer)
        git_remote_free(pointer)
    }
}

/// An owned array of C strings usable as a `git_strarray` (libgit2 copies nothing: it must outlive the call).
final class CStringArray {
    private let strings: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    let count: Int

    init(_ values: [String]) {
        count = values.count
        strings = .allocate(capacity: max(1, values.count))
        for (i, v) in values.enumerated() { strings[i] = strdup(v) }
    }

    /// A view valid while `self` is alive.
    var strarray: git_strarray { git_strarray(strings: strings, count: count) }

    deinit {
        for i in 0..<count { free(strings[i]) }
        strings.deallocate()
    }
}

/// Formats an oid as 40 lowercase hex digits.
func hexString(_ oid: git_oid) -> String {
    var oid = oid
    var buffer = [CChar](repeating: 0, count: 41)
    _ = buffer.withUnsafeMutableBufferPointer { git_oid_fmt($0.baseAddress, &oid) }
    buffer[40] = 0
    return String(decoding: buffer.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Parses 40 hex digits into an oid, or nil.
func parseOID(_ text: String) -> git_oid? {
    guard text.utf8.count == 40, text.utf8.allSatisfy({ isHexDigit($0) }) else { return nil }
    var oid = git_oid()
    guard git_oid_fromstr(&oid, text) == 0 else { return nil }
    return oid
}

func isHexDigit(_ c: UInt8) -> Bool {
    (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)
}

/// libgit2 build features (`git_libgit2_features()`), e.g. for diagnostics.
func libgit2Features() -> (threads: Bool, https: Bool, ssh: Bool) {
    let f = UInt32(bitPattern: git_libgit2_features())
    return (
        f & GIT_FEATURE_THREADS.rawValue != 0, f & GIT_FEATURE_HTTPS.rawValue != 0, f & GIT_FEATURE_SSH.rawValue != 0
    )
}
