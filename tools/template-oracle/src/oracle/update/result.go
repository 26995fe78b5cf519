// Package update models Flux's internal/update result types
// (image-automation-controller internal/update/result.go): Result with the FileChanges
// map and the Changes and Objects methods. The one addition is IterationOrder: Flux's
// methods range over Go maps, whose order is random, so the oracle names the order
// explicitly and enumerates every possible one.
package update

import "oracle/kyaml/yaml"

type ObjectIdentifier struct {
	yaml.ResourceIdentifier
}

type Result struct {
	FileChanges map[string]ObjectChanges
}

type ObjectChanges map[ObjectIdentifier][]Change

type Change struct {
	OldValue string
	NewValue string
	Setter   string
}

// Order is one iteration order of the FileChanges maps: files, and per file its objects.
type Order struct {
	Files   []string
	Objects map[string][]ObjectIdentifier
}

// IterationOrder, when set, is the order Changes and Objects range over the maps in.
var IterationOrder *Order

// AddChange is Flux's: append to the changes of an object in a file.
func (r *Result) AddChange(file string, objectID ObjectIdentifier, changes ...Change) {
	if r.FileChanges == nil {
		r.FileChanges = map[string]ObjectChanges{}
	}
	if _, ok := r.FileChanges[file]; !ok {
		r.FileChanges[file] = ObjectChanges{}
	}
	r.FileChanges[file][objectID] = append(r.FileChanges[file][objectID], changes...)
}

// each visits (file, object, changes) in IterationOrder (or Go's map order).
func (r Result) each(visit func(ObjectIdentifier, []Change)) {
	if IterationOrder == nil {
		for _, objChanges := range r.FileChanges {
			for obj, changes := range objChanges {
				visit(obj, changes)
			}
		}
		return
	}
	for _, file := range IterationOrder.Files {
		for _, obj := range IterationOrder.Objects[file] {
			visit(obj, r.FileChanges[file][obj])
		}
	}
}

// Changes is Flux's: every change once, in map iteration order (a nil slice when none).
func (r Result) Changes() []Change {
	seen := make(map[Change]struct{})
	var result []Change
	r.each(func(_ ObjectIdentifier, changes []Change) {
		for _, change := range changes {
			if _, ok := seen[change]; !ok {
				seen[change] = struct{}{}
				result = append(result, change)
			}
		}
	})
	return result
}

// Objects is Flux's: each object's changes appended across files in map iteration order.
func (r Result) Objects() ObjectChanges {
	result := make(ObjectChanges)
	r.each(func(obj ObjectIdentifier, changes []Change) {
		result[obj] = append(result[obj], changes...)
	})
	return result
}
