package chtest

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"text/template"
)

// configTemplate is the whole server configuration: no include of the
// packaged /etc files, so nothing on the machine changes what the tests run.
// Loopback only, no interserver_http_port (replication is not used and the
// port would listen for other servers), no query_log (it would create
// system tables and a flush thread for nothing), small caches (the default
// mark cache is 5 GiB), every path inside the temporary directory.
var configTemplate = template.Must(template.New("config").Parse(`<?xml version="1.0"?>
<yandex>
    <logger>
        <level>information</level>
        <log>{{.Dir}}/log/server.log</log>
        <errorlog>{{.Dir}}/log/server.err.log</errorlog>
        <size>10M</size>
        <count>1</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <tcp_port>{{.TCPPort}}</tcp_port>
    <http_port>{{.HTTPPort}}</http_port>
    <path>{{.Dir}}/data/</path>
    <tmp_path>{{.Dir}}/tmp/</tmp_path>
    <user_files_path>{{.Dir}}/user_files/</user_files_path>
    <format_schema_path>{{.Dir}}/format_schemas/</format_schema_path>
    <users_config>{{.Dir}}/users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <mark_cache_size>268435456</mark_cache_size>
    <uncompressed_cache_size>268435456</uncompressed_cache_size>
    <max_concurrent_queries>100</max_concurrent_queries>
    <mlock_executable>false</mlock_executable>
</yandex>
`))

// usersXML has one passwordless user reachable from loopback only.
const usersXML = `<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <log_queries>0</log_queries>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks>
                <ip>127.0.0.1</ip>
                <ip>::1</ip>
            </networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default>
            <interval>
                <duration>3600</duration>
                <queries>0</queries>
                <errors>0</errors>
                <result_rows>0</result_rows>
                <read_rows>0</read_rows>
                <execution_time>0</execution_time>
            </interval>
        </default>
    </quotas>
</yandex>
`

// writeConfig writes config.xml and users.xml into dir and creates the
// directories they name.
func writeConfig(dir string, tcpPort, httpPort int) error {
	for _, sub := range []string{"log", "data", "tmp", "user_files", "format_schemas"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return fmt.Errorf("config dir: %w", err)
		}
	}
	var esc bytes.Buffer
	if err := xml.EscapeText(&esc, []byte(dir)); err != nil {
		return fmt.Errorf("escape %s: %w", dir, err)
	}
	var cfg bytes.Buffer
	err := configTemplate.Execute(&cfg, struct {
		Dir               string
		TCPPort, HTTPPort int
	}{esc.String(), tcpPort, httpPort})
	if err != nil {
		return fmt.Errorf("config template: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config.xml"), cfg.Bytes(), 0o600); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "users.xml"), []byte(usersXML), 0o600); err != nil {
		return fmt.Errorf("write users: %w", err)
	}
	return nil
}
