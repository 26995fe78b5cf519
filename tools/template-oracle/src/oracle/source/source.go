// Package source models Flux's internal/source TemplateData and templateMsg
// (image-automation-controller): the template is named "commit message", gets
// sprig.HermeticTxtFuncMap(), and a failed execution that reads a removed field
// becomes Flux's RemovedTemplateFieldError message.
package source

import (
	"fmt"
	"strings"
	"text/template"

	// Debian installs Sprig v3 without the /v3 directory; GOPATH mode imports it by its path.
	sprig "github.com/Masterminds/sprig"

	"oracle/types"
	"oracle/update"
)

type TemplateData struct {
	AutomationObject types.NamespacedName
	Changed          update.Result
	Values           map[string]string
}

const defaultMessageTemplate = `Update from image update automation`

// TemplateName is the name Flux gives the template (it appears in error messages).
const TemplateName = "commit message"

// Outcome is what one rendering gives: the message, or where and how it failed.
type Outcome struct {
	Output string `json:"output"`
	// Stage is "", "parse" or "execute".
	Stage string `json:"stage,omitempty"`
	// Error is text/template's error text.
	Error string `json:"error,omitempty"`
	// Flux is the error as Flux reports it (wrapped, or the removed-field message).
	Flux string `json:"flux,omitempty"`
}

// FuncMap is Sprig's hermetic map plus the functions Debian's Sprig 3.2.3 lacks and
// Flux's pinned 3.3.0 has (sprig330.go; README.md lists the version differences).
func FuncMap() template.FuncMap {
	m := sprig.HermeticTxtFuncMap()
	for k, v := range sprig330Additions {
		m[k] = v
	}
	return m
}

// Parse is Flux's parse step.
func Parse(messageTemplate string) (*template.Template, *Outcome) {
	if messageTemplate == "" {
		messageTemplate = defaultMessageTemplate
	}
	t, err := template.New(TemplateName).Funcs(FuncMap()).Parse(messageTemplate)
	if err != nil {
		return nil, &Outcome{Stage: "parse", Error: err.Error(),
			Flux: fmt.Sprintf("unable to create commit message template from spec: %s", err)}
	}
	return t, nil
}

// Execute is Flux's execution step over *data (Flux passes the struct by value).
func Execute(t *template.Template, data *TemplateData) Outcome {
	b := &strings.Builder{}
	if err := t.Execute(b, *data); err != nil {
		out := Outcome{Stage: "execute", Error: err.Error()}
		switch {
		case strings.Contains(err.Error(), "can't evaluate field Updated in type source.TemplateData"):
			out.Flux = "template uses removed '.Updated' field. Please use '.Changed' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template"
		case strings.Contains(err.Error(), "can't evaluate field ImageResult in type update.Result"):
			out.Flux = "template uses removed '.Changed.ImageResult' field. Please use '.Changed.FileChanges' or '.Changed.Objects' instead. See: https://fluxcd.io/flux/components/image/imageupdateautomations/#message-template"
		default:
			out.Flux = fmt.Sprintf("failed to run template from spec: %s", err)
		}
		return out
	}
	return Outcome{Output: b.String()}
}
