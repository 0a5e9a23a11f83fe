package mxmigrate_test

import (
	"fmt"
	"log"

	"github.com/mxmigrate/mxmigrate"
	"github.com/mxmigrate/mxmigrate/config"
	"github.com/mxmigrate/mxmigrate/desired"
	"github.com/mxmigrate/mxmigrate/features"
)

// The Go counterpart of Metaxy's get_system_slqa_metadata.
func ExampleSystemMetadata() {
	store := config.NewStore("dev", "metaxy.ext.metadata_stores.duckdb.DuckDBMetadataStore",
		map[string]any{"database": "dev.duckdb", "table_prefix": "dev_"})
	url, s, err := mxmigrate.SystemMetadata(store, mxmigrate.URLOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(url)
	for _, t := range s.Tables {
		fmt.Println(t.Name, len(t.Columns), "columns, primary key", t.PrimaryKey.Columns)
	}
	// Output:
	// duckdb:///dev.duckdb
	// dev_metaxy_system__events 6 columns, primary key [project execution_id timestamp]
	// dev_metaxy_system__feature_versions 11 columns, primary key [project feature_key metaxy_definition_version]
}

// The Go counterpart of Metaxy's filter_feature_sqla_metadata: from the tables
// of every feature, keep one project's and inject the primary key.
func ExampleFilterFeatureMetadata() {
	set, err := features.Merge(features.Source{Name: "example", Features: []*features.Feature{
		{Key: "media/videos", Project: "media", IDColumns: []string{"video_id"}, Source: "example",
			Schema: []byte(`{"properties":{"video_id":{"type":"string"},"fps":{"type":"integer"}},"required":["video_id"]}`)},
		{Key: "other/thing", Project: "other", IDColumns: []string{"id"}, Source: "example", Columns: []features.Column{}},
	}})
	if err != nil {
		log.Fatal(err)
	}
	source, err := desired.FeatureTables(set, desired.Options{})
	if err != nil {
		log.Fatal(err)
	}
	store := config.NewStore("dev", "metaxy.ext.metadata_stores.duckdb.DuckDBMetadataStore", map[string]any{"database": "dev.duckdb"})
	yes := true
	url, s, err := mxmigrate.FilterFeatureMetadata(store, source.Schema, mxmigrate.FeatureOptions{
		Project: "media", FilterByProject: true, InjectPrimaryKey: &yes})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(url)
	for _, t := range s.Tables {
		fmt.Println(t.Name, t.Columns[1].Name, t.Columns[1].Type, t.PrimaryKey.Name, t.PrimaryKey.Columns)
	}
	// Output:
	// duckdb:///dev.duckdb
	// media__videos fps int64 pk_media__videos [video_id metaxy_created_at metaxy_data_version]
}
