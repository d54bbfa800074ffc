package openapi

import (
	"errors"
	"testing"
)

func TestExtract(t *testing.T) {
	tests := []struct {
		name    string
		page    string
		want    string
		wantErr bool
	}{
		{
			name: "four-backtick fence with info",
			page: "# T\n\n````yaml POST /x\nopenapi: 3.0.3\n\n````",
			want: "openapi: 3.0.3\n\n",
		},
		{
			name: "three-backtick fence",
			page: "text\n```yaml\nopenapi: 3.0.3\n```\nmore\n",
			want: "openapi: 3.0.3\n",
		},
		{
			name: "CRLF lines",
			page: "```yaml\r\nopenapi: 3.0.3\r\n```\r\n",
			want: "openapi: 3.0.3\n",
		},
		{
			name: "CRLF raw YAML",
			page: "openapi: 3.0.3\r\ninfo: {}\r\n",
			want: "openapi: 3.0.3\ninfo: {}\n",
		},
		{name: "BOM before raw YAML", page: "\ufeffopenapi: 3.0.3\n", want: "openapi: 3.0.3\n"},
		{
			name: "BOM before a page",
			page: "\ufeff# T\n```yaml\nopenapi: 3.0.3\n```\n",
			want: "openapi: 3.0.3\n",
		},
		{
			name:    "json fence only",
			page:    "# T\n```json\n{\"openapi\":\"3.0.3\"}\n```\n",
			wantErr: true,
		},
		{
			name: "other fences ignored",
			page: "```go\nx\n```\n```yaml\nopenapi: 3.0.3\n```\n```json\n{}\n```\n",
			want: "openapi: 3.0.3\n",
		},
		{
			name: "shorter ticks inside do not close",
			page: "````yaml\na: |\n  ```\nopenapi: 3\n````\n",
			want: "a: |\n  ```\nopenapi: 3\n",
		},
		{name: "an indented ``` inside the block", page: "```yaml\nd: |\n    ```\n    x\n```\n",
			want: "d: |\n    ```\n    x\n"},
		{name: "yamlx is another language", page: "```yamlx\na: 1\n```\n", wantErr: true},
		{name: "raw YAML", page: "openapi: 3.0.3\ninfo: {}\n", want: "openapi: 3.0.3\ninfo: {}\n"},
		{name: "raw JSON", page: "\n{\"openapi\":\"3.0.3\"}", want: "\n{\"openapi\":\"3.0.3\"}"},
		{name: "no fence", page: "# Title\nno spec here\n", wantErr: true},
		{name: "two yaml fences", page: "```yaml\na: 1\n```\n```yaml\nb: 2\n```\n", wantErr: true},
		{name: "unclosed fence", page: "```yaml\nopenapi: 3.0.3\n", wantErr: true},
		{name: "empty", page: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Extract([]byte(tt.page))
			if tt.wantErr {
				if !errors.Is(err, ErrNoSpec) {
					t.Errorf("got %q, %v, want ErrNoSpec", got, err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Errorf("got %q, %v, want %q", got, err, tt.want)
			}
		})
	}
}
