module github.com/lifeguard-scp/lifeguard

go 1.26.8
