// Package yaml models the parts of sigs.k8s.io/kustomize/kyaml/yaml (v0.21.1) that
// Flux's update.ObjectIdentifier embeds: ResourceIdentifier{TypeMeta, NameMeta} with
// their json/yaml tags and the pointer-receiver getters.
package yaml

type TypeMeta struct {
	APIVersion string `json:"apiVersion,omitempty" yaml:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty" yaml:"kind,omitempty"`
}

type NameMeta struct {
	Name      string `json:"name,omitempty" yaml:"name,omitempty"`
	Namespace string `json:"namespace,omitempty" yaml:"namespace,omitempty"`
}

type ResourceIdentifier struct {
	TypeMeta `json:",inline" yaml:",inline"`
	NameMeta `json:",inline" yaml:",inline"`
}

// Pointer receivers, as in kyaml: a template reaches them only on addressable values.
func (r *ResourceIdentifier) GetName() string       { return r.Name }
func (r *ResourceIdentifier) GetNamespace() string  { return r.Namespace }
func (r *ResourceIdentifier) GetAPIVersion() string { return r.APIVersion }
func (r *ResourceIdentifier) GetKind() string       { return r.Kind }
