//go:build tools

package tools

import (
	_ "github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	_ "github.com/duckdb/duckdb-go/v2"
	_ "github.com/microsoftgraph/msgraph-sdk-go"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/robfig/cron/v3"
	_ "github.com/spf13/cobra"
	_ "github.com/xuri/excelize/v2"
	_ "gopkg.in/yaml.v3"
)
