package source

import (
	"crypto/sha512"
	"encoding/hex"
)

// sprig330Additions: Sprig v3.3.0 (Flux's pin) added sha512sum; Debian ships 3.2.3.
// It is the hex of SHA-512 of the string argument, as 3.3.0 defines it.
var sprig330Additions = map[string]interface{}{
	"sha512sum": func(input string) string {
		sum := sha512.Sum512([]byte(input))
		return hex.EncodeToString(sum[:])
	},
}
