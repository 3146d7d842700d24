# 130.crud-api end to end: Python and Node, sizes test/small/large, checked with -Validate, on the embedded NoSQL store
# (JSON files under the cache) in process and Docker sandboxes, and on dynalite (a DynamoDB emulator) through
# deployment.local.storage.nosql. Needs tests/infra/start-services.sh (Docker, run images, dynalite); without them the
# tests fail with the reason.
BeforeDiscovery {
    $cases = foreach ($sandbox in 'Process', 'Docker') { foreach ($language in 'python', 'nodejs') { foreach ($size in 'test', 'small', 'large') {
        @{ Sandbox = $sandbox; Language = $language; Size = $size }
    } } }
}

BeforeAll {
    Import-Module $env:SEBS_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'SebsTestHelpers.psm1') -Force
    $script:cache = Join-Path ([IO.Path]::GetTempPath()) ('sebs-crud-api-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $script:services = Get-SebsTestServices
    $script:table = 'sebs-benchmarks-local-130.crud-api-shopping_cart'

    function Assert-CrudApi($Results, [string]$Size) {
        $Results | Should -HaveCount 2
        foreach ($x in $Results) {
            $x.Failed | Should -BeFalse -Because $x.ErrorMessage
            $x.Valid | Should -BeTrue -Because $x.ValidationMessage
        }
        $responses = @($Results[1].Result['result'])
        switch ($Size) {
            'test' {
                $responses[0]['name'] | Should -Be 'Gothic Game'
                $responses[0]['quantity'] | Should -Be 2
            }
            'small' {
                $responses[0]['total_cost'] | Should -Be 1510
                [math]::Round($responses[0]['avg_price'], 6) | Should -Be 137.272727
            }
            'large' {
                $responses | Should -HaveCount 10
                $responses[9]['products'].Count | Should -Be 5
                $responses[9]['total_cost'] | Should -Be 550
                $responses[9]['avg_price'] | Should -Be (550 / 15)
            }
        }
    }
    function Assert-Docker {
        if ($services.SEBS_TEST_DOCKER -ne '1') {
            throw "Docker is not available for the tests (SEBS_TEST_DOCKER=$($services.SEBS_TEST_DOCKER)); see out/services.env, out/dockerd.log and out/run-images.log."
        }
    }
}

AfterAll {
    Remove-SebsTestFunctions -Root $script:cache
    Remove-Item -Recurse -Force $script:cache -ErrorAction SilentlyContinue
}

Describe '130.crud-api on the embedded NoSQL store' {
    It '<Language> size <Size> in a <Sandbox> sandbox is valid' -ForEach $cases {
        if ($Sandbox -eq 'Docker') { Assert-Docker }
        $c = Join-Path $cache "embedded-$Sandbox"
        $r = Invoke-SebsBenchmark 130.crud-api -Language $Language -Size $Size -Repetitions 2 -Validate -Sandbox $Sandbox -CachePath $c
        Assert-CrudApi $r $Size
        $file = Join-Path $c "local/nosql/$table.json"
        Test-Path $file | Should -BeTrue -Because 'the embedded store keeps the table in <cache>/local/nosql'
    }

    It 'writes the shim''s file format: {json.dumps(cart_id): {json.dumps(product_id): item}} with the seeded items' {
        $c = Join-Path $cache 'embedded-format'
        $null = Invoke-SebsBenchmark 130.crud-api -Language python -Size test -Repetitions 1 -Sandbox Process -CachePath $c
        $content = Get-Content -Raw (Join-Path $c "local/nosql/$table.json") | ConvertFrom-Json -AsHashtable
        $content.Keys | Should -HaveCount 1
        $cart = @($content.Keys)[0]
        $cart | Should -Match '^"[0-9a-f]{32}"$'
        $content[$cart].Keys | Should -HaveCount 4
        foreach ($k in '"game-gothic"', '"game-gothic-2"', '"mint-linux"', '"seBS-benchmark"') { $content[$cart].ContainsKey($k) | Should -BeTrue -Because "$k is a key" }
        $item = $content[$cart]['"seBS-benchmark"']
        $item.name | Should -Be 'SeBS Benchmark'
        $item.price | Should -Be 1000
        $item.cart_id | Should -Be $cart.Trim('"')
        # SeBS's cache entry nosql.tables names the physical table.
        $index = Get-Content -Raw (Join-Path $c '130.crud-api/config.json') | ConvertFrom-Json -AsHashtable
        $index.local.nosql.tables.shopping_cart | Should -Be $table
    }
}

Describe '130.crud-api on dynalite (DynamoDB API)' {
    BeforeAll {
        if (-not $services.SEBS_TEST_DYNAMODB_ENDPOINT) {
            throw 'No DynamoDB emulator: SEBS_TEST_DYNAMODB_ENDPOINT is not in out/services.env; run tests/infra/start-services.sh (./build.sh test does) and see out/dynalite.log and out/npm-tools.log.'
        }
        $script:config = Join-Path $cache 'dynalite.json'
        New-Item -ItemType Directory -Force $cache | Out-Null
        @{
            experiments = @{ update_code = $false; update_storage = $false; download_results = $false; architecture = 'x64' }
            deployment  = @{ name = 'local'; local = @{ storage = @{ nosql = @{ type = 'scylladb'; scylladb = @{ address = $services.SEBS_TEST_DYNAMODB_ENDPOINT } } } } }
        } | ConvertTo-Json -Depth 10 | Set-Content -Path $config
    }

    It '<Language> size <Size> in a <Sandbox> sandbox is valid' -ForEach $cases {
        if ($Sandbox -eq 'Docker') { Assert-Docker }
        $c = Join-Path $cache "dynalite-$Sandbox"
        $r = Invoke-SebsBenchmark 130.crud-api -Language $Language -Size $Size -Repetitions 2 -Validate -Sandbox $Sandbox -CachePath $c -ConfigPath $config
        Assert-CrudApi $r $Size
        Test-Path (Join-Path $c "local/nosql/$table.json") | Should -BeFalse -Because 'the items live in dynalite, not in files'
        $index = Get-Content -Raw (Join-Path $c '130.crud-api/config.json') | ConvertFrom-Json -AsHashtable
        $index.local.nosql.tables.shopping_cart | Should -Be $table
        $index.local.nosql.type | Should -Be 'scylladb'
    }
}
