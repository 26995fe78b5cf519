// Package types models k8s.io/apimachinery/pkg/types.NamespacedName as Flux's
// TemplateData.AutomationObject holds it (apimachinery v0.36): the type name
// (types.NamespacedName), field order, and the String and MarshalLog methods
// (value receivers) are what templates can observe.
package types

type NamespacedName struct {
	Namespace string
	Name      string
}

// String is "namespace/name".
func (n NamespacedName) String() string {
	return n.Namespace + "/" + n.Name
}

// MarshalLog returns an anonymous struct with the json tags apimachinery uses.
func (n NamespacedName) MarshalLog() interface{} {
	return struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace,omitempty"`
	}{Name: n.Name, Namespace: n.Namespace}
}
