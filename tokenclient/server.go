package tokenclient

import "strings"

// serverTemplate and defaultInstance are the {instance} server of
// openapi.yaml (TestServerMatchesSpec keeps them so). They are spelled out
// here instead of calling a generated server-URL helper because
// oapi-codegen names that helper after the server's description, which is
// prose Flinks may reword, and types the variable once an enum appears,
// which would reject customers' own production instance names.
const (
	serverTemplate  = "https://{instance}-api.private.fin.ag"
	defaultInstance = "toolbox"
)

// instanceURL returns the API URL of a validated instance name.
func instanceURL(instance string) string {
	return strings.Replace(serverTemplate, "{instance}", strings.ToLower(instance), 1)
}
